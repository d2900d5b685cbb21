import fs from 'node:fs';
import path from 'node:path';
import { type APIUser, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../generations/harness.js';
import { buttonOf, type DiscordHarness, startHarness, waitForEdit } from './harness.js';

const model = 'tencent/hunyuan-video';
let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const bob: APIUser = {
  id: '310000000000000002',
  username: 'bob',
  global_name: 'Bob',
  discriminator: '0',
  avatar: null,
};
const mod: APIUser = {
  id: '310000000000000003',
  username: 'mod',
  global_name: 'Mod',
  discriminator: '0',
  avatar: null,
};

/** Makes a video and returns its final message, the generation and its files on disk. */
async function madeVideo(prompt: string) {
  h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2 });
  const command = h.discord.sendCommand('video', [
    { name: 'model', value: model },
    { name: 'prompt', value: prompt },
  ]);
  const done = await waitForEdit(h, command.token, /^✅ Done/);
  const generation = (await h.store.list({ search: prompt })).items[0]!;
  const files = [generation.media?.path, generation.media?.posterPath]
    .filter((file): file is string => Boolean(file))
    .map((file) => path.join(h.config.dataDir, file));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect(fs.existsSync(file)).toBe(true);
  return { command, done, generation, files };
}

describe('the Delete button', () => {
  it('is refused to another member, then deletes for the requester: message first, then files and entry', async () => {
    const { command, done, generation, files } = await madeVideo('a lighthouse in fog');
    const messageId = command.originalMessageId!;

    const stranger = h.discord.pressButton(messageId, buttonOf(done, 'Delete').custom_id, { user: bob });
    const refusal = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' &&
        call.route === `/webhooks/${h.discord.state.applicationId}/${stranger.token}`,
    );
    expect(refusal.json.flags & 64).toBe(64);
    expect(refusal.json.content).toContain('Only the person who asked for this video');
    expect(await h.store.get(generation.id)).toBeDefined();
    for (const file of files) expect(fs.existsSync(file)).toBe(true);

    const press = h.discord.pressButton(messageId, buttonOf(done, 'Delete').custom_id);
    const edited = await waitForEdit(h, press.token, /^🗑️ This video was deleted/);
    expect(edited.json.components).toEqual([]);
    expect(edited.json.attachments).toEqual([]);
    await until(async () => (await h.store.get(generation.id)) === undefined);
    expect(await h.service.get(generation.id)).toBeUndefined();
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });

  it('deletes for a member with Manage Messages', async () => {
    const { command, done, generation, files } = await madeVideo('a windmill at dusk');
    const press = h.discord.pressButton(command.originalMessageId!, buttonOf(done, 'Delete').custom_id, {
      user: mod,
      memberPermissions: String(PermissionFlagsBits.ManageMessages),
    });
    await waitForEdit(h, press.token, /^🗑️ This video was deleted by <@310000000000000003>/);
    await until(async () => (await h.store.get(generation.id)) === undefined);
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
  });
});
