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

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specifiers.map((match) => match[1] ?? match[2] ?? '');
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), specifier);
  return target.startsWith(path.join(root, folder) + path.sep);
}

describe('module boundaries', () => {
  it('core imports no platform SDK, no express, nothing from bots or web', () => {
    const forbidden = /^(discord\.js|@discordjs\/|@slack\/|express)/;
    const offenders = sourceFiles(path.join(root, 'src/core')).flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            forbidden.test(spec) ||
            resolvesInto(file, spec, 'src/bots') ||
            resolvesInto(file, spec, 'src/web'),
        )
        .map((spec) => `${path.relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the two bots never import each other', () => {
    const offenders = ['discord', 'slack'].flatMap((platform) => {
      const other = platform === 'discord' ? 'slack' : 'discord';
      const dir = path.join(root, 'src/bots', platform);
      if (!fs.existsSync(dir)) return [];
      return sourceFiles(dir).flatMap((file) =>
        importsOf(file)
          .filter((spec) => resolvesInto(file, spec, `src/bots/${other}`))
          .map((spec) => `${path.relative(root, file)} imports ${spec}`),
      );
    });
    expect(offenders).toEqual([]);
  });

  it('only the config module reads process.env', () => {
    const offenders = sourceFiles(path.join(root, 'src'))
      .filter((file) => !file.endsWith(path.join('core', 'config.ts')))
      .filter((file) => /process\.env\b/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('catches a forbidden import when one is there', () => {
    expect(importsOf(path.join(root, 'test/unit/boundary.test.ts'))).toContain('vitest');
  });
});
