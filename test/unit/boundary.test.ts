import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsIn(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specifiers.map((match) => match[1] ?? match[2] ?? '');
}

/** The repository-relative folder a relative import lands in, e.g. `src/core/store`; undefined for a package. */
function targetOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.relative(root, path.resolve(root, path.dirname(file), specifier));
}

const within = (target: string | undefined, folder: string) =>
  target !== undefined && (target === folder || target.startsWith(`${folder}/`));

/**
 * Core's floors, lowest first: a module imports only from floors below its own, or from inside
 * itself. Ports live with the module that uses them; the store implements them from above.
 */
const coreFloors: string[][] = [
  ['errors.ts', 'logger.ts', 'timers.ts', 'process-table.ts', 'shard-plan.ts'],
  ['config.ts', 'read-capped.ts', 'prompt-limit.ts', 'blocked-terms.ts'],
  ['media', 'replicate', 'access'],
  ['generations', 'forms'],
  ['store', 'redis'],
  ['chat'],
];

/** The core module a path belongs to (`store`, `config.ts`), or undefined outside core. */
function coreModuleOf(target: string): string | undefined {
  if (!within(target, 'src/core')) return undefined;
  const rest = target.slice('src/core/'.length);
  const first = rest.split('/')[0]!;
  return rest.includes('/') ? first : first.endsWith('.ts') ? first : `${first}.ts`;
}

function floorOf(module: string): number {
  return coreFloors.findIndex(
    (floor) => floor.includes(module) || floor.includes(module.replace(/\.js$/, '.ts')),
  );
}

const platformPackages: [RegExp, string][] = [
  [/^(discord\.js|@discordjs\/)/, 'src/bots/discord'],
  [/^@slack\//, 'src/bots/slack'],
  [/^express$/, 'src/web'],
];

/**
 * Why `file` may not import `specifier`, or undefined when it may. `file` is repository-relative.
 * The rules: a platform SDK only in its bot's folder (express only in src/web); the bots never
 * import each other; core imports no bot, web, CLI or simulation; inside core, only downward.
 */
function violation(file: string, specifier: string): string | undefined {
  for (const [pattern, home] of platformPackages)
    if (pattern.test(specifier) && !within(file, home)) return `${specifier} belongs in ${home} only`;
  const target = targetOf(file, specifier);
  if (target === undefined) return undefined;
  for (const [bot, other] of [
    ['src/bots/discord', 'src/bots/slack'],
    ['src/bots/slack', 'src/bots/discord'],
  ] as const)
    if (within(file, bot) && within(target, other)) return `${bot} imports the other bot`;
  if (!within(file, 'src/core')) return undefined;
  for (const outside of ['src/bots', 'src/web', 'src/cli', 'src/simulation'])
    if (within(target, outside)) return `core imports ${outside}`;
  const from = coreModuleOf(file);
  const to = coreModuleOf(target.endsWith('.js') ? target.replace(/\.js$/, '.ts') : target);
  if (!from || !to || from === to) return undefined;
  const [fromFloor, toFloor] = [floorOf(from), floorOf(to)];
  if (fromFloor < 0) return `core/${from} is on no floor: add it to coreFloors`;
  if (toFloor < 0) return `core/${to} is on no floor: add it to coreFloors`;
  if (toFloor >= fromFloor) return `core/${from} imports core/${to}, which is not below it`;
  return undefined;
}

function offenders(dir: string): string[] {
  return sourceFiles(path.join(root, dir)).flatMap((full) => {
    const file = path.relative(root, full);
    return importsIn(fs.readFileSync(full, 'utf8')).flatMap((spec) => {
      const why = violation(file, spec);
      return why ? [`${file} imports ${spec}: ${why}`] : [];
    });
  });
}

describe('module boundaries', () => {
  it('every import in src keeps the rules', () => {
    expect(offenders('src')).toEqual([]);
  });

  it('only the config module reads process.env', () => {
    const found = sourceFiles(path.join(root, 'src'))
      .filter((file) => !file.endsWith(path.join('core', 'config.ts')))
      .filter((file) => /process\.env\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(found).toEqual([]);
  });
});

describe('the boundary rules catch each kind of forbidden import', () => {
  it.each([
    ['core importing a bot', 'src/core/generations/service.ts', '../../bots/discord/bot.js'],
    ['core importing the web server', 'src/core/store/generations.ts', '../../web/app.js'],
    ['core importing physics', 'src/core/generations/service.ts', '../../simulation/index.js'],
    ['a bot importing the other bot', 'src/bots/slack/app.ts', '../discord/reply.js'],
    ['a layer importing one above it', 'src/core/generations/service.ts', '../store/generations.js'],
    [
      'a layer importing its neighbour on the same floor',
      'src/core/media/attachments.ts',
      '../replicate/client.js',
    ],
    ['discord.js outside its bot', 'src/cli/register-commands.ts', 'discord.js'],
    ['Bolt outside its bot', 'src/core/chat/adapter.ts', '@slack/bolt'],
    ['express outside the web server', 'src/bots/slack/receiver.ts', 'express'],
  ])('%s', (_kind, file, specifier) => {
    expect(violation(file, specifier)).toBeDefined();
  });

  it.each([
    ['a layer importing one below it', 'src/core/store/generations.ts', '../generations/types.js'],
    ['a module importing itself', 'src/core/store/generations.ts', './database.js'],
    ['a bot importing core', 'src/bots/discord/bot.ts', '../../core/config.js'],
    ['discord.js in its bot', 'src/bots/discord/bot.ts', 'discord.js'],
    ['the CLI wiring bots and physics', 'src/cli/start.ts', '../bots/slack/index.js'],
  ])('allows %s', (_kind, file, specifier) => {
    expect(violation(file, specifier)).toBeUndefined();
  });

  it('reads the import forms the code uses', () => {
    expect(
      importsIn(
        `import a from './a.js';\nimport { b,\n c } from "../b.js";\nexport * from './c.js';\nawait import('./d.js');`,
      ),
    ).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
  });
});
