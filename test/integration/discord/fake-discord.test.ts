import { Client, type DiscordAPIError, Events, GatewayIntentBits, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/server.js';

/** The fake itself, driven by the real discord.js client: if this holds, bot tests mean something. */
describe('fake Discord', () => {
  let fake: FakeDiscord | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.destroy();
    await fake?.close();
  });

  async function connect(heartbeatIntervalMs?: number) {
    fake = await startFakeDiscord({ heartbeatIntervalMs });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = new Promise((resolve) => client!.once(Events.ClientReady, resolve));
    const acked = new Promise<void>((resolve) =>
      client!.on(Events.Debug, (line) => {
        if (line.includes('Heartbeat acknowledged')) resolve();
      }),
    );
    await client.login(fake.state.token);
    await ready;
    return { fake, client, acked };
  }

  it('lets discord.js log in over the gateway: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats', async () => {
    const { fake, client, acked } = await connect(50);
    expect(client.user?.id).toBe(fake.state.applicationId);
    expect(client.application?.id).toBe(fake.state.applicationId);
    expect(client.guilds.cache.get(fake.state.guildId)?.name).toBe(fake.state.guildName);
    const identify = await fake.gateway.waitForOp(2);
    expect(identify.d.token).toBe(fake.state.token);
    expect(identify.d.compress).toBe(false);
    await fake.gateway.waitForOp(1);
    await acked;
    expect(fake.calls.find((c) => c.route === '/gateway/bot')?.authorization).toBe(`Bot ${fake.state.token}`);
  });

  it('records interaction callbacks, webhook edits with files, and serves the files on its CDN', async () => {
    const { fake, client } = await connect();
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({
        content: 'done',
        files: [{ attachment: Buffer.from('abc'), name: 'a.txt' }],
      });
    });
    const interaction = fake.sendCommand('video', [{ name: 'prompt', value: 'a cat' }]);
    const callback = await fake.waitForCallback(interaction);
    expect(callback.json.type).toBe(5);
    const edit = await fake.waitForCall(
      (c) => c.method === 'PATCH' && c.route.endsWith('/messages/@original'),
    );
    expect(edit.files[0]?.bytes.toString()).toBe('abc');
    const message = fake.message(interaction.originalMessageId!)!;
    expect(message.content).toBe('done');
    const download = await fetch(message.attachments[0]!.url);
    expect(await download.text()).toBe('abc');
  });

  it('refuses what Discord refuses: a second acknowledgement, too many choices, files over the limit', async () => {
    const { fake, client } = await connect();
    const codes: number[] = [];
    let failed: () => void = () => {};
    const threeFailures = new Promise<void>((resolve) => {
      failed = () => codes.length === 3 && resolve();
    });
    const expectFailure = (promise: Promise<unknown>) =>
      promise.then(
        () => {},
        (error: DiscordAPIError) => {
          codes.push(Number(error.code));
          failed();
        },
      );
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isAutocomplete()) {
        const choices = Array.from({ length: 26 }, (_, i) => ({ name: `m${i}`, value: `m${i}` }));
        await expectFailure(interaction.respond(choices));
      } else if (interaction.isChatInputCommand() && interaction.attachmentSizeLimit === 1024) {
        await expectFailure(
          interaction.reply({ files: [{ attachment: Buffer.alloc(2048), name: 'big.bin' }] }),
        );
      } else if (interaction.isChatInputCommand()) {
        await interaction.deferReply();
        await expectFailure(
          client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: 5 },
            auth: false,
          }),
        );
      }
    });
    fake.sendAutocomplete('video', [{ name: 'model', value: 'wan', focused: true }]);
    fake.sendCommand('video', [], { attachmentSizeLimit: 1024 });
    fake.sendCommand('video', []);
    await threeFailures;
    expect(codes.sort()).toEqual([40005, 40060, 50035]);
  });
});
