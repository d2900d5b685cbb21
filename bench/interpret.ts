/**
 * `npm run bench:interpret`: how many sentences of the corpus (test/fixtures/interpret/corpus.json)
 * the built-in interpreter reads right, judged on the scene it makes, and what it got wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type CorpusEntry, judgeReading } from '../test/support/scene-judge.js';

const corpus: CorpusEntry[] = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../test/fixtures/interpret/corpus.json'), 'utf8'),
);
let right = 0;
for (const entry of corpus) {
  const problems = judgeReading(entry);
  if (problems.length === 0) right++;
  else console.log(`✗ ${entry.sentence}\n    ${problems.join('\n    ')}`);
}
console.log(
  `corpus score: ${right} of ${corpus.length} sentences read right (${((100 * right) / corpus.length).toFixed(0)} %; the test holds 100 %)`,
);
