import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../src/core/errors.js';
import { costOf } from '../../../../../src/core/generations/spend/cost.js';
import { defaultPrices } from '../../../../../src/core/generations/spend/default-prices.js';
import { loadPrices } from '../../../../../src/core/generations/spend/prices.js';
import { describeSpend } from '../../../../../src/core/generations/spend/spend-text.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-prices-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function priceFile(content: unknown): string {
  const file = path.join(dir, `prices-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('costOf', () => {
  it('prices a model by its hardware seconds, or per video when that is how it is sold', () => {
    const prices = { ...defaultPrices, models: { ...defaultPrices.models, 'a/b': { hardware: 'gpu-h100' } } };
    expect(costOf(prices, { model: 'a/b', predictTime: 100, succeeded: true })).toBeCloseTo(0.1525, 6);
    // Replicate bills a failed run's seconds too.
    expect(costOf(prices, { model: 'a/b', predictTime: 10, succeeded: false })).toBeCloseTo(0.01525, 6);
    expect(costOf(prices, { model: 'minimax/video-01', predictTime: 80, succeeded: true })).toBe(0.5);
  });

  it('says nothing rather than guess: unknown model, a per-video model that made none, no seconds', () => {
    expect(
      costOf(defaultPrices, { model: 'someone/else', predictTime: 30, succeeded: true }),
    ).toBeUndefined();
    expect(costOf(defaultPrices, { model: 'minimax/video-01', succeeded: false })).toBeUndefined();
    const prices = { ...defaultPrices, models: { 'a/b': { hardware: 'gpu-t4' } } };
    expect(costOf(prices, { model: 'a/b', succeeded: true })).toBeUndefined();
  });
});

describe('describeSpend', () => {
  it('reads "GPU 12.5 s · about $0.02", compute seconds alone without a price, CPU for simulations', () => {
    expect(describeSpend({ source: 'replicate', metrics: { predictTime: 12.5 }, costUsd: 0.0175 })).toBe(
      'GPU 12.5 s · about $0.02',
    );
    expect(describeSpend({ source: 'replicate', metrics: { predictTime: 12.54 } })).toBe('GPU 12.5 s');
    expect(describeSpend({ source: 'replicate', metrics: { predictTime: 3 }, costUsd: 0.0003 })).toBe(
      'GPU 3 s · under $0.01',
    );
    expect(describeSpend({ source: 'simulation', metrics: { cpuTime: 3.14 } })).toBe('CPU 3.1 s');
    expect(describeSpend({ source: 'replicate' })).toBeUndefined();
  });
});

describe('loadPrices', () => {
  it('merges a PRICES_FILE over the shipped table', async () => {
    const file = priceFile({
      source: 'our Replicate invoice',
      checkedOn: '2026-11-30',
      hardware: { 'gpu-h100': 0.002 },
      models: { 'tencent/hunyuan-video': { hardware: 'gpu-h100' } },
    });
    const prices = await loadPrices(file);
    expect(prices.source).toBe('our Replicate invoice');
    expect(prices.hardware['gpu-h100']).toBe(0.002);
    expect(prices.hardware['gpu-t4']).toBe(defaultPrices.hardware['gpu-t4']);
    expect(prices.models['tencent/hunyuan-video']).toEqual({ hardware: 'gpu-h100' });
    expect(prices.models['minimax/video-01']).toEqual({ usdPerOutput: 0.5 });
  });

  it('refuses a file that would quietly price nothing: unknown hardware, bad JSON, negative prices', async () => {
    const unknownHardware = priceFile({
      source: 'x',
      checkedOn: '2026-11-30',
      models: { 'a/b': { hardware: 'gpu-a9000' } },
    });
    await expect(loadPrices(unknownHardware)).rejects.toThrow(/models\.a\/b runs on "gpu-a9000"/);
    await expect(loadPrices(priceFile('{ not json'))).rejects.toBeInstanceOf(ConfigError);
    await expect(
      loadPrices(priceFile({ source: 'x', checkedOn: '2026-11-30', hardware: { cpu: -1 } })),
    ).rejects.toThrow(/hardware\.cpu/);
    await expect(loadPrices(path.join(dir, 'missing.json'))).rejects.toThrow(/no such file/);
  });
});
