#!/usr/bin/env node
/**
 * The `reelbot` command. Each subcommand lives in `src/cli/<name>.ts` and is loaded only when run,
 * so `reelbot form` does not pay for discord.js or headless-gl.
 */
import { ConfigError, ReelbotError } from './core/errors.js';

interface Subcommand {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number | undefined> }>;
}

const subcommands: Record<string, Subcommand> = {
  start: {
    summary: '[--role all|bot|web|worker]: run the web gallery, every configured bot and the workers',
    load: () => import('./cli/start.js'),
  },
  worker: {
    summary: 'take jobs from the Redis queues (REDIS_URL) and perform them: no web, no bots',
    load: () => import('./cli/worker.js'),
  },
  generate: {
    summary:
      'OWNER/NAME [--input key=value ...] [--image FILE] [--wait]: make a video with a Replicate model',
    load: () => import('./cli/generate.js'),
  },
  simulate: {
    summary:
      '"PROMPT" [--scene FILE.json] [--seed N] [--duration S] [--aspect A] [--quality Q] [--out FILE.mp4 | --scene-only]: make a physics video, offline',
    load: () => import('./cli/simulate.js'),
  },
  form: {
    summary: '--schema FILE.json --platform discord|slack: print the form built for a model schema',
    load: () => import('./cli/form.js'),
  },
  models: {
    summary: '[--collection SLUG] [--search TEXT]: list video models',
    load: () => import('./cli/models.js'),
  },
  backup: {
    summary: 'FILE [--force]: copy the database, consistently, while reelbot runs',
    load: () => import('./cli/backup.js'),
  },
  'revoke-link': {
    summary: 'URL: make one gallery link open nothing from now on',
    load: () => import('./cli/revoke-link.js'),
  },
  'slack-manifest': {
    summary: '[--socket]: print the Slack app manifest for this deployment',
    load: () => import('./cli/slack-manifest.js'),
  },
  'register-commands': {
    summary: '[--guild ID]: push commands.json to Discord',
    load: () => import('./cli/register-commands.js'),
  },
};

function usage(): string {
  const lines = Object.entries(subcommands).map(
    ([name, sub]) => `  reelbot ${name.padEnd(18)} ${sub.summary}`,
  );
  return `Usage:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`reelbot: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const module = await sub.load();
  try {
    return (await module.run(rest)) ?? 0;
  } catch (error) {
    if (!isArgumentError(error)) throw error;
    // A command without its own --help, or an option it does not have (`start --port 8080`): its
    // line of the usage, not a stack trace. Each command parses its arguments before doing anything.
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`Usage: reelbot ${name} ${sub.summary}\n`);
      return 0;
    }
    process.stderr.write(
      `reelbot ${name}: ${(error as Error).message}\nUsage: reelbot ${name} ${sub.summary}\n`,
    );
    return 2;
  }
}

/** node:util `parseArgs` refused the arguments: an unknown option, or an option without its value. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

// A reader that went away (`reelbot simulate ... | head -1`) ends the command quietly, as SIGPIPE
// ends other programs in a pipeline (128 + 13), rather than with a stack trace. Node ignores
// SIGPIPE itself, so the closed pipe shows up as EPIPE here. What this process started (the
// render worker, Xvfb's guard) notices it is gone and stops too.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof ReelbotError)
      process.stderr.write(`reelbot: ${error.message} [${error.code}]\n`);
    else
      process.stderr.write(
        `reelbot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exitCode = 1;
  },
);
