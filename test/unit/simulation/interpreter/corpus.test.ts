import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CorpusEntry, judgeReading } from '../../../support/scene-judge.js';

const corpus: CorpusEntry[] = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../../../fixtures/interpret/corpus.json'), 'utf8'),
);

describe('the built-in interpreter reads every sentence of the corpus right', () => {
  it('has at least 40 sentences', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });
  it.each(corpus.map((entry) => [entry.sentence, entry] as const))('%s', (_, entry) => {
    expect(judgeReading(entry)).toEqual([]);
  });
});
