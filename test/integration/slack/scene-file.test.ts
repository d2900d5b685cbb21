import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sceneFileBlockId, sceneTitleBlockId } from '../../../src/bots/slack/commands/simulate-scene.js';
import type { Simulator } from '../../../src/core/generations/simulation-job.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { type SlackHarness, startSlackHarness } from './harness.js';

/** A scene a person edited from the Scene button's file: one box on the ground. */
const goodScene = { objects: [{ shape: 'box', size: [1, 1, 1], position: [0, 0.5, 0] }] };

describe('Slack scene files: /simulate scene opens a modal with a file input', () => {
  let h: SlackHarness;
  const requests: Parameters<Simulator['render']>[0][] = [];
  beforeAll(async () => {
    h = await startSlackHarness({
      simulator: {
        // The real scene validator, so a refused file names its problems as `--scene` does.
        checkScene: (scene) => void parseScene(scene),
        async render(request, outFile) {
          requests.push(request);
          await fs.promises.copyFile((await fakeMedia()).video, outFile);
          return {};
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function openSceneModal(person: { id: string }, text = 'scene') {
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/simulate', text, person });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;
    return { viewId, since };
  }

  it('renders the scene of a shared JSON file, with the choices typed after the command', async () => {
    const person = { id: 'U0SCENE01' };
    const { viewId, since } = await openSceneModal(person, 'scene duration:4 aspect:9:16 seed:7');
    const form = h.slack.view(viewId)!.view as {
      blocks: { block_id?: string; element?: { type: string } }[];
    };
    expect(form.blocks.find((b) => b.block_id === sceneFileBlockId)?.element?.type).toBe('file_input');

    const file = h.slack.addFile({
      name: 'scene.json',
      bytes: Buffer.from(JSON.stringify(goodScene)),
      user: person.id,
    });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { [sceneFileBlockId]: [fileJson(file)], [sceneTitleBlockId]: 'my box' },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();

    // The bot token read the private file; the video lands in the channel of the command.
    const download = await h.slack.waitForCall('download', (c) => c.args.fileId === file.id, { since });
    expect(download.args.authorized).toBe(true);
    await h.slack.waitForCall('files.completeUploadExternal', () => true, { since });
    expect(requests.at(-1)).toMatchObject({
      prompt: 'my box',
      // seed:7 picks how a sentence is read; a scene file is rendered as it is, so it is not kept.
      seed: 0,
      scene: goodScene,
      video: { duration: 4, aspect: '9:16' },
    });
  });

  it('refuses a bad scene on the file block with path-named problems, rendering nothing', async () => {
    const person = { id: 'U0SCENE02' };
    const { viewId } = await openSceneModal(person);
    const count = requests.length;
    const bad = { objects: [{ shape: 'box', size: [1, -1, 1], position: [0, 0.5, 0] }] };
    const file = h.slack.addFile({
      name: 'bad.json',
      bytes: Buffer.from(JSON.stringify(bad)),
      user: person.id,
    });
    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { [sceneFileBlockId]: [fileJson(file)] },
      person,
    });
    expect(submit.json.response_action).toBe('errors');
    const message = (submit.json.errors as Record<string, string>)[sceneFileBlockId]!;
    expect(message).toContain('That scene cannot be simulated');
    expect(message).toContain('objects[0].size[1]');

    // Not JSON at all: said so, on the same block.
    const junk = h.slack.addFile({ name: 'notes.json', bytes: Buffer.from('{ not json'), user: person.id });
    const again = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { [sceneFileBlockId]: [fileJson(junk)] },
      person,
    });
    expect(String((again.json.errors as Record<string, string>)[sceneFileBlockId])).toContain('not JSON');
    expect(requests).toHaveLength(count);
    expect((await h.store.list({ userId: person.id })).items).toEqual([]);
  });
});
