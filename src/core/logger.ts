import { type Logger, pino } from 'pino';

export type { Logger };

/** Names of values that must never reach a log line. */
const secretPaths = [
  'token',
  'apiKey',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.authorization',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.webhookSecret',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * The one structured logger: pretty in a terminal, JSON elsewhere (files, containers, CI).
 * Lines about a generation carry `generationId` through `logger.child({ generationId })`.
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY;
  return pino({
    level: options.level ?? 'info',
    redact: { paths: secretPaths, censor: '[secret]' },
    transport: pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
        }
      : undefined,
  });
}

/** A logger that prints nothing, for tests and library callers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
