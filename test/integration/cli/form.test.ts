import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { discordComponentId, validateDiscordModal } from '../../../src/bots/discord/form/index.js';
import { validateSlackView } from '../../../src/bots/slack/form/index.js';
import { schemaFixtureDir } from '../../fakes/replicate/catalog.js';
import { inputNames, syntheticSchemaDir } from '../../fixtures/schemas/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-form-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function reelbot(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['src/cli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const fixture = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const realSchema = (name: string) => path.relative(root, path.join(schemaFixtureDir, name));
const writeTemp = (name: string, content: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('reelbot form', () => {
  it('prints every Discord modal page of a real schema (fixture wrapper), each within limits', async () => {
    const file = realSchema('anotherjesse__zeroscope-v2-xl.json');
    expect(file.startsWith('test/fixtures/replicate/schemas/')).toBe(true);
    const { code, stdout, stderr } = await reelbot('form', '--schema', file, '--platform', 'discord');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const modals = JSON.parse(stdout) as {
      title: string;
      components: { component: { custom_id: string } }[];
    }[];
    expect(modals.map((m) => m.title)).toEqual([
      'zeroscope-v2-xl (1/3)',
      'zeroscope-v2-xl (2/3)',
      'zeroscope-v2-xl (3/3)',
    ]);
    for (const modal of modals) expect(validateDiscordModal(modal)).toEqual([]);
    const ids = modals.flatMap((m) => m.components.map((c) => c.component.custom_id));
    expect(ids.sort()).toEqual(inputNames(fixture(path.join(root, file))).sort());
  });

  it('prints the Slack view of a model object (latest_version.openapi_schema)', async () => {
    const wrapper = fixture(path.join(schemaFixtureDir, 'minimax__video-01-live.json'));
    const file = writeTemp('model.json', {
      owner: 'minimax',
      name: 'video-01-live',
      latest_version: { id: wrapper.version_id, openapi_schema: wrapper.openapi_schema },
    });
    const { code, stdout } = await reelbot('form', '--schema', file, '--platform', 'slack');
    expect(code).toBe(0);
    const view = JSON.parse(stdout);
    expect(validateSlackView(view)).toEqual([]);
    expect(view.type).toBe('modal');
    expect(view.blocks[0].element).toMatchObject({
      action_id: 'model',
      initial_option: { value: 'minimax/video-01-live' },
    });
    expect(view.blocks.slice(1).map((b: { block_id: string }) => b.block_id)).toEqual([
      'prompt',
      'first_frame_image',
      'prompt_optimizer',
    ]);
  });

  it('reads a bare openapi_schema and the 73-input schema', async () => {
    const bare = writeTemp(
      'acme__bare.json',
      fixture(path.join(schemaFixtureDir, 'tencent__hunyuan-video.json')).openapi_schema,
    );
    const discord = await reelbot('form', '--schema', bare, '--platform', 'discord');
    expect(discord.code).toBe(0);
    expect(JSON.parse(discord.stdout)[0].title).toBe('bare (1/2)');

    const big = path.join(syntheticSchemaDir, 'synthetic__seventy-three-inputs.json');
    const [slack, pages] = await Promise.all([
      reelbot('form', '--schema', big, '--platform', 'slack'),
      reelbot('form', '--schema', big, '--platform', 'discord'),
    ]);
    expect(slack.code).toBe(0);
    expect(JSON.parse(slack.stdout).blocks).toHaveLength(74);
    const modals = JSON.parse(pages.stdout) as { components: { component: { custom_id: string } }[] }[];
    expect(modals).toHaveLength(15);
    expect(modals.flatMap((m) => m.components.map((c) => c.component.custom_id)).sort()).toEqual(
      inputNames(fixture(big)).map(discordComponentId).sort(),
    );
  });

  it('explains bad arguments and malformed schemas', async () => {
    const missing = await reelbot('form', '--schema', 'x.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--platform discord|slack');
    const absent = await reelbot('form', '--schema', path.join(tmp, 'absent.json'), '--platform', 'slack');
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('cannot read');
    const malformed = writeTemp('broken.json', {
      owner: 'acme',
      name: 'broken',
      openapi_schema: { components: {} },
    });
    const broken = await reelbot('form', '--schema', malformed, '--platform', 'discord');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Schema of acme/broken is malformed');
  });
});
