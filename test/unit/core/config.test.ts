import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { pollSchedule } from '../../../src/core/generations/context.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('starts with no variables at all, with the documented defaults', () => {
    const config = loadConfig({});
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.port).toBe(3000);
    expect(config.replicate.apiUrl).toBe('https://api.replicate.com/v1');
    expect(config.download.allowedHosts).toEqual(['replicate.delivery', '*.replicate.delivery']);
    expect(config.discord).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.openai).toBeUndefined();
    expect(config.renderWorker).toEqual({ mode: 'lazy', idleMs: 300_000 });
    expect(config.s3).toBeUndefined();
  });

  it('keeps media in S3 only when the bucket, region and key pair are all set', () => {
    const bucket = {
      S3_BUCKET: 'videos',
      S3_REGION: 'auto',
      S3_ACCESS_KEY_ID: 'AKIA1',
      S3_SECRET_ACCESS_KEY: 'shh-secret',
    };
    // AWS itself: no endpoint, virtual-host URLs.
    expect(loadConfig(bucket).s3).toEqual({
      bucket: 'videos',
      endpoint: undefined,
      region: 'auto',
      accessKeyId: 'AKIA1',
      secretAccessKey: 'shh-secret',
      forcePathStyle: false,
    });
    // MinIO and friends: an endpoint turns path-style URLs on unless told otherwise.
    expect(loadConfig({ ...bucket, S3_ENDPOINT: 'http://minio:9000/' }).s3).toMatchObject({
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
    });
    expect(
      loadConfig({ ...bucket, S3_ENDPOINT: 'https://r2.example.com', S3_FORCE_PATH_STYLE: 'false' }).s3,
    ).toMatchObject({ forcePathStyle: false });
  });

  it('names what a half-configured bucket lacks, without echoing the secret', () => {
    const problems = problemsOf({ S3_BUCKET: 'videos', S3_SECRET_ACCESS_KEY: 'shh-secret' });
    expect(problems).toEqual([
      expect.stringContaining(
        'S3_BUCKET, S3_SECRET_ACCESS_KEY are set but S3_REGION, S3_ACCESS_KEY_ID are missing',
      ),
    ]);
    expect(problems.join('\n')).not.toContain('shh-secret');
    expect(problemsOf({ S3_ENDPOINT: 'http://minio:9000' })).toEqual([
      expect.stringContaining(
        'S3_ENDPOINT is set but S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are missing',
      ),
    ]);
    expect(
      problemsOf({
        S3_ENDPOINT: 'minio:9000',
        S3_BUCKET: 'v',
        S3_REGION: 'r',
        S3_ACCESS_KEY_ID: 'a',
        S3_SECRET_ACCESS_KEY: 's',
      }),
    ).toEqual([expect.stringContaining('S3_ENDPOINT must be an http(s) URL')]);
  });

  it('reads when the render worker runs, and refuses what it cannot mean', () => {
    expect(loadConfig({ RENDER_WORKER: 'eager', RENDER_IDLE_SECONDS: '2' }).renderWorker).toEqual({
      mode: 'eager',
      idleMs: 2000,
    });
    const problems = problemsOf({ RENDER_WORKER: 'sometimes', RENDER_IDLE_SECONDS: '0' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^RENDER_WORKER must be lazy .* or eager/);
    expect(problems[1]).toMatch(/^RENDER_IDLE_SECONDS must be above 0/);
  });

  it('reads REPLICATE_POLL_SECONDS, 5 by default, and turns it into the poll schedule', () => {
    expect(loadConfig({}).replicate.pollMaxMs).toBe(5000);
    const slow = loadConfig({ REPLICATE_POLL_SECONDS: '30' }).replicate.pollMaxMs;
    expect(slow).toBe(30_000);
    // Without webhooks polling follows the prediction from 1 s; with them it is a safety net only.
    expect(pollSchedule({ maxMs: slow, webhooks: false })).toEqual({
      pollInitialMs: 1000,
      pollMaxMs: 30_000,
    });
    expect(pollSchedule({ maxMs: slow, webhooks: true })).toEqual({
      pollInitialMs: 30_000,
      pollMaxMs: 30_000,
    });
    expect(problemsOf({ REPLICATE_POLL_SECONDS: '0' })).toEqual([
      'REPLICATE_POLL_SECONDS must be above 0, such as 5, or 30 with webhooks on',
    ]);
  });

  it('reads REDIS_URL, off by default, and refuses one that is not a redis URL', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
    });
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual([
      'REDIS_URL must be a redis:// or rediss:// URL, for example redis://127.0.0.1:6379',
    ]);
  });

  it('reads DATABASE_URL, SQLite by default, and refuses one that is not a postgres URL', () => {
    expect(loadConfig({}).database).toBeUndefined();
    const url = 'postgres://reelbot:secret@db:5432/reelbot';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ url });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/reelbot' }).database).toBeDefined();
    expect(problemsOf({ DATABASE_URL: 'mysql://db/reelbot' })).toEqual([
      'DATABASE_URL must be a postgres:// URL, for example postgres://reelbot:secret@127.0.0.1:5432/reelbot (unset it to keep SQLite)',
    ]);
  });

  it('reads the daily quotas: 20 videos a person by default, server budgets off unless set', () => {
    expect(loadConfig({}).spend).toEqual({ dailyVideosPerUser: 20 });
    expect(
      loadConfig({
        DAILY_VIDEOS_PER_USER: '0',
        DAILY_GPU_SECONDS_PER_SERVER: '3600',
        DAILY_USD_PER_SERVER: '2.5',
      }).spend,
    ).toMatchObject({ dailyVideosPerUser: 0, dailyGpuSecondsPerServer: 3600, dailyUsdPerServer: 2.5 });
    const problems = problemsOf({ DAILY_VIDEOS_PER_USER: '-1', DAILY_USD_PER_SERVER: 'five' });
    expect(problems.join('\n')).toMatch(/DAILY_VIDEOS_PER_USER must be 0 or more/);
    expect(problems.join('\n')).toMatch(/DAILY_USD_PER_SERVER must be an amount in US dollars/);
  });

  it('turns on each platform only when its tokens are set', () => {
    const config = loadConfig({
      DISCORD_TOKEN: 'abc.def',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'shh',
      OPENAI_API_KEY: 'sk-1',
    });
    expect(config.discord).toEqual({
      token: 'abc.def',
      applicationId: '123456789012345678',
      apiUrl: 'http://127.0.0.1:9999/api',
    });
    expect(config.slack?.botToken).toBe('xoxb-1');
    expect(config.openai?.model).toBe('gpt-4o-mini');
  });

  it('lists every problem at once, each with how to fix it', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DISCORD_TOKEN: 'abc',
      PUBLIC_URL: 'not a url',
      SLACK_BOT_TOKEN: 'wrong',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT must be a port number/),
        expect.stringMatching(/^PUBLIC_URL must be an http\(s\) URL/),
        expect.stringMatching(/^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/),
        expect.stringContaining('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is missing'),
        expect.stringContaining('SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET'),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('names the missing partner of a half-configured platform', () => {
    expect(problemsOf({ DISCORD_TOKEN: 'abc' })).toEqual([
      expect.stringContaining('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is missing'),
    ]);
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      expect.stringContaining('neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode)'),
    ]);
  });

  it('treats empty variables as unset and never echoes a secret', () => {
    const error = (() => {
      try {
        return loadConfig({ DISCORD_TOKEN: 'super-secret-token', REPLICATE_API_TOKEN: '' });
      } catch (e) {
        return e as ConfigError;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('super-secret-token');
  });

  it('refuses a malformed download allow-list', () => {
    expect(problemsOf({ DOWNLOAD_ALLOWED_HOSTS: 'replicate.delivery,http://evil/' })).toEqual([
      expect.stringContaining('DOWNLOAD_ALLOWED_HOSTS has "http://evil/"'),
    ]);
  });

  it('names a bad allow-list beside every other bad variable, not after them', () => {
    const problems = problemsOf({ ADMIN_TOKEN: 'short', DOWNLOAD_ALLOWED_HOSTS: 'evil host', PORT: 'x' });
    expect(problems).toEqual([
      expect.stringContaining('PORT must be a port number'),
      expect.stringContaining('ADMIN_TOKEN must be at least 16 characters'),
      expect.stringContaining('DOWNLOAD_ALLOWED_HOSTS has "evil host"'),
    ]);
  });
});
