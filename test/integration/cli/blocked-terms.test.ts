import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/store/index.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import { runReelbot } from '../../support/reelbot-process.js';
import { tempDataDir } from './process-helpers.js';

const dataDir = tempDataDir('blocked');
let openai: FakeOpenAI;
beforeAll(async () => {
  openai = await startFakeOpenAI({ apiKey: 'sk-test' });
  openai.flag('knife fight', ['violence']);
});
afterAll(async () => {
  await openai.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The refusals a run wrote to the operator's log. */
function refusalsIn(folder: string) {
  const db = openDatabase(folder);
  try {
    return db.prepare('SELECT platform, model, code FROM refusals ORDER BY id').all();
  } finally {
    db.close();
  }
}

const refused = [
  {
    what: 'a blocked term',
    prompt: 'boxes of GÖRE fall',
    stderr: 'reelbot: prompt uses the blocked term "gore" [PROMPT_BLOCKED]\n',
    code: 'PROMPT_BLOCKED',
  },
  {
    what: 'a sentence moderation flags',
    prompt: 'a knife fight between two robots',
    stderr: 'reelbot: prompt flagged by moderation: violence [PROMPT_FLAGGED]\n',
    code: 'PROMPT_FLAGGED',
  },
];

// A real `bin/reelbot` process; tsx start-up takes seconds on a busy machine.
describe('BLOCKED_TERMS and moderation in the reelbot process', { timeout: 120_000 }, () => {
  it.each(refused)(
    'refuses $what with the same message with and without --scene-only, before reading it',
    async ({ prompt, stderr, code }) => {
      const env = {
        BLOCKED_TERMS: 'blood,gore',
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
      };
      const look = path.join(dataDir, `${code}-look`);
      const render = path.join(dataDir, `${code}-render`);
      const [sceneOnly, run] = await Promise.all([
        runReelbot(['simulate', prompt, '--scene-only'], { ...env, DATA_DIR: look }),
        runReelbot(['simulate', prompt], { ...env, DATA_DIR: render }),
      ]);
      for (const each of [sceneOnly, run]) {
        expect(each.stderr).toBe(stderr);
        expect(each.code).toBe(1);
        expect(each.stdout).toBe('');
      }
      // Refused before it was read: OpenAI was asked to moderate it, never to turn it into a scene.
      expect(openai.requests.filter((request) => request.path.endsWith('/chat/completions'))).toEqual([]);
      // A look leaves no data folder; a run that records writes the refusal to the operator's log, and no video.
      expect(fs.existsSync(look)).toBe(false);
      expect(refusalsIn(render)).toEqual([{ platform: 'cli', model: null, code }]);
      const made = fs.readdirSync(render, { recursive: true }).map(String);
      expect(made.filter((file) => file.endsWith('.mp4'))).toEqual([]);
    },
  );
});
