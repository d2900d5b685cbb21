import { DiscordAPIError, REST, Routes } from 'discord.js';
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDiscordTransport,
  type DiscordTransport,
} from '../../../../src/bots/discord/rest-transport.js';
import { type FakeDiscord, startFakeDiscord } from '../../../fakes/discord/server.js';

let discord: FakeDiscord;
let transport: DiscordTransport;
let rest: REST;
let previous: Dispatcher;

beforeAll(async () => {
  discord = await startFakeDiscord();
  // As in `reelbot start`, where our undici is imported before discord.js: its Agent is the
  // process-wide dispatcher that discord.js's own undici 6 would send through.
  previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent());
  transport = createDiscordTransport();
  rest = new REST({ api: discord.apiUrl, makeRequest: transport.makeRequest, retries: 0 }).setToken(
    discord.state.token,
  );
});
afterAll(async () => {
  await transport.close();
  await discord.close();
  const ours = getGlobalDispatcher();
  setGlobalDispatcher(previous);
  await ours.close();
});

describe('the Discord REST transport', () => {
  it('uploads a file as multipart, bytes intact, with undici 7 as the global dispatcher', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await rest.post(Routes.channelMessages(discord.state.channelId), {
      body: { content: 'a video' },
      files: [{ name: 'reelbot-1.mp4', data: bytes, contentType: 'video/mp4' }],
    });
    const call = discord.calls.at(-1)!;
    expect(call.status).toBe(200);
    expect(call.multipart).toBe(true);
    expect(call.json?.content).toBe('a video');
    expect(call.files[0]!.name).toBe('reelbot-1.mp4');
    expect(call.files[0]!.bytes.equals(bytes)).toBe(true);
  });

  it('sends JSON and reads answers, errors included, as discord.js expects', async () => {
    const me = (await rest.get(Routes.user())) as { id: string };
    expect(me.id).toBe(discord.state.applicationId);
    discord.inject({
      method: 'GET',
      routePrefix: '/users/@me',
      status: 404,
      body: { message: 'Unknown User', code: 10013 },
    });
    const error = await rest.get(Routes.user()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10013);
  });
});
