import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/core/config.js';
import { ReelbotError } from '../../../../src/core/errors.js';
import {
  categoryInWords,
  createModerationGate,
  type Moderator,
} from '../../../../src/core/generations/moderation.js';
import { silentLogger } from '../../../../src/core/logger.js';

const requester = { platform: 'discord' as const, userId: 'u1' };

describe('moderation settings', () => {
  it('defaults to failing closed, 5 s, with only `sexual` allowed in age-restricted channels', () => {
    expect(loadConfig({}).moderation).toMatchObject({
      fail: 'closed',
      timeoutMs: 5000,
      nsfwCategories: ['sexual'],
    });
  });

  it('reads MODERATION_FAIL, MODERATION_TIMEOUT_SECONDS and a comma list of categories', () => {
    const config = loadConfig({
      MODERATION_FAIL: 'open',
      MODERATION_TIMEOUT_SECONDS: '2',
      MODERATION_NSFW_CATEGORIES: ' Sexual, violence/graphic ,',
    });
    expect(config.moderation).toMatchObject({
      fail: 'open',
      timeoutMs: 2000,
      nsfwCategories: ['sexual', 'violence/graphic'],
    });
  });

  it('says how to fix a wrong MODERATION_FAIL', () => {
    expect(() => loadConfig({ MODERATION_FAIL: 'maybe' })).toThrow(/MODERATION_FAIL.*closed.*open/s);
  });
});

describe('the moderation gate', () => {
  it('names categories in plain words', () => {
    expect(categoryInWords('violence')).toBe('violence');
    expect(categoryInWords('violence/graphic')).toBe('graphic violence');
    expect(categoryInWords('self-harm')).toBe('self harm');
  });

  it('ends a call that does not answer within the timeout and refuses (fail closed)', async () => {
    let aborted = false;
    const hanging: Moderator = {
      moderate: (_inputs, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          }),
        ),
    };
    const gate = createModerationGate({
      moderator: hanging,
      config: loadConfig({ MODERATION_TIMEOUT_SECONDS: '1' }),
      logger: silentLogger(),
    });
    const error = await gate.checkText('a lake', requester).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReelbotError);
    expect((error as ReelbotError).code).toBe('MODERATION_UNAVAILABLE');
    expect(aborted).toBe(true);
  });

  it('checks nothing without a moderator (no OPENAI_API_KEY)', async () => {
    const gate = createModerationGate({ config: loadConfig({}), logger: silentLogger() });
    expect(gate.enabled).toBe(false);
    expect(await gate.checkText('anything', requester)).toEqual([]);
  });

  it('reuses an answer for the same input for ten minutes, and asks again after a failure', async () => {
    let now = 0;
    let down = true;
    const asked: string[] = [];
    const moderator: Moderator = {
      async moderate(inputs) {
        asked.push(inputs[0]!.kind === 'text' ? inputs[0]!.text : 'image');
        if (down) throw new Error('503');
        return ['sexual'];
      },
    };
    const gate = createModerationGate({
      moderator,
      config: loadConfig({}),
      logger: silentLogger(),
      clock: () => now,
    });
    await expect(gate.checkText('a portrait', requester)).rejects.toMatchObject({
      code: 'MODERATION_UNAVAILABLE',
    });
    down = false;
    expect(await gate.checkText('a portrait', requester)).toEqual(['sexual']);
    now += 9 * 60_000;
    expect(await gate.checkText('a portrait', requester)).toEqual(['sexual']);
    expect(await gate.checkText('another portrait', requester)).toEqual(['sexual']);
    expect(asked).toEqual(['a portrait', 'a portrait', 'another portrait']);
    now += 2 * 60_000;
    await gate.checkText('a portrait', requester);
    expect(asked).toHaveLength(4);
  });
});
