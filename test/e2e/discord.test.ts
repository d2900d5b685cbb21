import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identify, isRunning } from '../../src/core/process-table.js';
import type { XvfbRecord } from '../../src/simulation/renderer/xvfb-registry.js';
import { buttonOf } from '../fakes/discord/buttons.js';
import {
  type FakeDiscord,
  managerPermissions,
  type RecordedCall,
  startFakeDiscord,
} from '../fakes/discord/server.js';

import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai/server.js';
import { modelFromFixture } from '../fakes/replicate/catalog.js';
import { fakeMedia } from '../fakes/replicate/media.js';
import { type FakeReplicate, startFakeReplicate } from '../fakes/replicate/server.js';
import { loadSyntheticSchemas, referencePairSchema } from '../fixtures/schemas/index.js';
import { createE2eStage } from '../support/e2e-stage.js';
import { probeVideo, type ReelbotProcess, runReelbot } from '../support/reelbot-process.js';

const stage = createE2eStage('discord');
const { dataDir } = stage;
let discord: FakeDiscord;
let replicate: FakeReplicate;
let openai: FakeOpenAI;
let reelbot: ReelbotProcess | undefined;

beforeAll(async () => {
  discord = await stage.use(startFakeDiscord());
  replicate = await stage.use(startFakeReplicate());
  openai = await stage.use(startFakeOpenAI());
  openai.flag('knife fight', ['violence']);
  openai.flag('boudoir', ['sexual']);
  // A model whose prompt input is a list of prompts; run once, so it is nobody's default.
  const lists = loadSyntheticSchemas().find((fixture) => fixture.name === 'arrays-and-odd-shapes')!;
  replicate.addModel(modelFromFixture(lists, 1));
  replicate.addModel(modelFromFixture(referencePairSchema(), 1));
});
afterAll(() => stage.end());

const model = 'minimax/video-01';
const env = () => ({
  DATA_DIR: dataDir,
  PORT: '0',
  ...replicate.env,
  ...discord.env,
  BLOCKED_TERMS: 'gore',
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: openai.baseUrl,
  // hunyuan-video takes no image: Extend continues its videos with this one.
  DEFAULT_IMAGE_MODEL: 'minimax/video-01-live',
});

/** The final edit of an interaction's status message: "Done", with the video attached. */
const isFinalEdit = (token: string) => (call: RecordedCall) =>
  call.method === 'PATCH' &&
  call.route.includes(`/${token}/messages/`) &&
  /^✅ Done/.test(call.json?.content ?? '');

/** Asserts the final edit carried one MP4 that ffprobe reads as a video of more than a second. */
async function expectPlayableUpload(call: RecordedCall): Promise<void> {
  expect(call.status).toBe(200);
  expect(call.multipart).toBe(true);
  expect(call.files).toHaveLength(1);
  const file = call.files[0]!;
  expect(file.name).toMatch(/\.mp4$/);
  const info = await probeVideo(file.bytes);
  expect(info.codec).toBe('h264');
  expect(info.durationSeconds).toBeGreaterThan(1);
}

/** Waits for an edit of the status message of `token` whose text matches, from call `after` on. */
const statusEdit = (token: string, match: RegExp, after = 0) =>
  discord.waitForCall(
    (call: RecordedCall) =>
      call.method === 'PATCH' &&
      call.status === 200 &&
      call.route.includes(`/${token}/messages/`) &&
      match.test(call.json?.content ?? ''),
    after,
  );

const predictionOf = (prompt: string) =>
  [...replicate.state.predictions.predictions.values()].find((e) => e.prediction.input?.prompt === prompt);

function finish(prompt: string) {
  const entry = predictionOf(prompt)!;
  while (entry.prediction.status !== 'succeeded') replicate.state.predictions.advance(entry.prediction.id);
}

// A process start (tsx, discord.js, the render worker) takes seconds, more on a busy machine.
describe('`reelbot start` with Discord, as its own process', { timeout: 120_000 }, () => {
  it('answers /video (then Extend on a picked model: the next part and the joined MP4; Favorite, listed under Favorited on the server link, the live gallery card of the chain as its page card), /animate and "Animate this image" with a PNG, and /compare, with playable MP4 uploads', async () => {
    reelbot = await stage.start(env());

    const video = discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a red fox running through snow' },
    ]);
    expect((await discord.waitForCallback(video)).json.type).toBe(5);
    const done = await discord.waitForCall(isFinalEdit(video.token));
    await expectPlayableUpload(done);
    // The sha256 recorded, hashed off the main thread as the download arrived, is the kept file's.
    const kept = await reelbot.waitForLine((line) => line.msg === 'result kept', 'the kept result');
    const keptBytes = fs.readFileSync(path.join(dataDir, String(kept.path)));
    expect(kept.sha256).toBe(createHash('sha256').update(keptBytes).digest('hex'));
    expect(kept.sha256).toBe(createHash('sha256').update(done.files[0]!.bytes).digest('hex'));

    // Extend: the prompt modal, then the next part with the chain joined beside it.
    const extendButton = buttonOf(done, 'Extend');
    const press = discord.pressButton(video.originalMessageId!, extendButton.custom_id);
    const modal = (await discord.waitForCallback(press)).json;
    expect(modal.type).toBe(9);
    // hunyuan-video takes no image: the model select offers DEFAULT_IMAGE_MODEL first, and the
    // person picks another image-to-video model.
    const picker = (
      modal.data.components as {
        component: { custom_id: string; options?: { value: string; default?: boolean }[] };
      }[]
    )
      .map((label) => label.component)
      .find((component) => component.custom_id === 'model')!;
    expect(picker.options!.find((option) => option.default)?.value).toBe('minimax/video-01-live');
    // Discord stops typing at the prompt limit, so no prompt is refused after the modal is gone.
    expect(modal.data.components[0].component.max_length).toBe(2000);
    const extend = discord.submitModal(modal.data.custom_id, [
      { customId: 'prompt', value: 'the fox dives into a drift' },
      { customId: 'model', values: ['ali-vilab/i2vgen-xl'] },
    ]);
    expect((await discord.waitForCallback(extend)).json.type).toBe(5);
    const extended = await discord.waitForCall(isFinalEdit(extend.token));
    expect(extended.files.map((file) => file.name)).toEqual([
      expect.stringMatching(/^reelbot-g_\w+\.mp4$/),
      expect.stringMatching(/-joined\.mp4$/),
    ]);
    const picked = predictionOf('the fox dives into a drift')!.prediction;
    expect(picked.model).toBe('ali-vilab/i2vgen-xl');
    expect(String(picked.input?.image)).toMatch(/^http/);
    const joined = await probeVideo(extended.files[1]!.bytes);
    expect(joined.codec).toBe('h264');
    expect(joined.durationSeconds).toBeCloseTo(4, 0);

    // Favorite the first clip; the server's shared gallery link lists it under Favorited.
    const favoriteButton = buttonOf(done, 'Favorite');
    const favorite = discord.pressButton(video.originalMessageId!, favoriteButton.custom_id);
    expect((await discord.waitForCallback(favorite)).json.data.flags & 64).toBe(64);
    const galleryCommand = discord.sendCommand('gallery', []);
    const galleryLink = new URL(
      /https?:\/\/\S+/.exec((await discord.waitForCallback(galleryCommand)).json.data.content)![0],
    );
    const favoritedResponse = await fetch(
      `${reelbot.url}/api/generations?favorites=anyone&key=${galleryLink.searchParams.get('key')}`,
    );
    // The API's answers are never stored, so they carry no ETag to revalidate with.
    expect(favoritedResponse.headers.get('cache-control')).toBe('no-store');
    expect(favoritedResponse.headers.get('etag')).toBeNull();
    const favorited = (await favoritedResponse.json()) as { items: { prompt?: string }[] };
    expect(favorited.items.map((item) => item.prompt)).toEqual(['a red fox running through snow']);

    const png = fs.readFileSync((await fakeMedia()).image);
    const image = discord.uploadAttachment({
      bytes: png,
      filename: 'boat.png',
      contentType: 'image/png',
    });
    const animate = discord.sendCommand('animate', [
      { name: 'image', value: image },
      { name: 'prompt', value: 'waves rock the boat' },
    ]);
    expect((await discord.waitForCallback(animate)).json.type).toBe(5);
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(animate.token)));
    // The image reached the model through Replicate's Files API, under the person's file name and type.
    const animateInput = predictionOf('waves rock the boat')!.prediction.input as Record<string, unknown>;
    const animated = [...replicate.state.predictions.files.values()].find((f) =>
      Object.values(animateInput).some((value) => typeof value === 'string' && value.includes(f.id)),
    );
    expect(animated).toMatchObject({
      name: 'boat.png',
      contentType: 'image/png',
      fields: ['content', 'metadata'],
    });
    expect(animated?.bytes.equals(png)).toBe(true);
    // ...after OpenAI moderation (the fake) saw it, as a data URL, and the prompt.
    const moderated = JSON.stringify(openai.moderations().map((r) => r.body.input));
    expect(moderated).toContain('data:image/png;base64,');
    expect(moderated).toContain('waves rock the boat');

    // Compare: one prompt on two models, one message that ends with the side-by-side grid.
    const compare = discord.sendCommand('compare', [
      { name: 'prompt', value: 'a lantern on a pier' },
      { name: 'model1', value: 'tencent/hunyuan-video' },
      { name: 'model2', value: 'lucataco/animate-diff' },
    ]);
    expect((await discord.waitForCallback(compare)).json.type).toBe(5);
    const grid = await statusEdit(compare.token, /Side by side above/);
    expect(grid.json.content).toContain('Compare 2 models: “a lantern on a pier”');
    expect(grid.files).toHaveLength(1);
    expect(grid.files[0]!.name).toMatch(/^reelbot-grp_.+\.mp4$/);
    const tiles = await probeVideo(grid.files[0]!.bytes);
    expect(tiles).toMatchObject({ codec: 'h264', height: 360 });
    expect(tiles.width).toBeGreaterThan(2 * 360);

    // Favorite the chain's newest part too, which its gallery card stars.
    const favoriteNewest = discord.pressButton(
      extend.originalMessageId!,
      buttonOf(extended, 'Favorite').custom_id,
    );
    expect((await discord.waitForCallback(favoriteNewest)).json.data.flags & 64).toBe(64);

    // The server's gallery (the same signed link) shows the comparison as one entry, the chain as
    // its newest part: the store folds both, so every entry is one card.
    const galleryPage = await (
      await fetch(`${reelbot.url}${galleryLink.pathname}${galleryLink.search}`)
    ).text();
    expect(galleryPage.match(/data-group-id="grp_/g)).toHaveLength(1);
    expect(galleryPage.match(/data-chain>Part 2 of 2</g)).toHaveLength(1);
    // The card the page's script swaps in when a video finishes while the page is open is the
    // page's own card, "Part 2 of 2" chip and star included, not a plainer copy until a reload.
    const chainCard =
      /<li class="card[^>]*data-generation-id="(g_\w+)"(?:(?!<\/li>)[\s\S])*?data-chain>Part 2 of 2<[\s\S]*?<\/li>/.exec(
        galleryPage,
      )!;
    expect(chainCard[0]).toContain('★ 1');
    const liveCard = await fetch(
      `${reelbot.url}/g/${chainCard[1]}/card?key=${galleryLink.searchParams.get('key')}`,
    );
    // "just now" may turn "1 min ago" between the two reads: the rest must match exactly.
    const timeless = (card: string) => card.replace(/(<time[^>]*>)[^<]*(<\/time>)/, '$1$2');
    expect(timeless(await liveCard.text())).toBe(timeless(chainCard[0]));

    // "Animate this image" on a person's message with a PNG: the form asks for the prompt, then a video.
    const posted = discord.postUserMessage({
      content: 'my boat',
      attachments: [discord.uploadAttachment({ bytes: png, filename: 'boat.png', contentType: 'image/png' })],
    });
    const menu = discord.sendMessageCommand('Animate this image', posted.id);
    const form = (await discord.waitForCallback(menu)).json;
    expect(form.type).toBe(9);
    const fromMenu = discord.submitModal(form.data.custom_id, [
      { customId: 'prompt', value: 'the boat drifts away' },
    ]);
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(fromMenu.token)));
    const input = predictionOf('the boat drifts away')!.prediction.input as Record<string, unknown>;
    const file = [...replicate.state.predictions.files.values()].find((f) =>
      Object.values(input).some((value) => typeof value === 'string' && value.includes(f.id)),
    );
    expect(file?.bytes.equals(png)).toBe(true);
  });

  it('refuses a blocked term and a flagged prompt with no prediction, spoils an age-restricted video, and Delete removes it with an audit line', async () => {
    reelbot ??= await stage.start(env());
    const predictions = replicate.state.predictions.predictions.size;

    // A word in a number field: told by the field's label, only to the person, and the form comes back as typed.
    const advanced = discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a heron in the reeds' },
      { name: 'advanced', value: true },
    ]);
    const form = (await discord.waitForCallback(advanced)).json.data;
    const typed = discord.submitModal(form.custom_id, [
      { customId: 'prompt', value: 'a heron in the reeds' },
      { customId: 'video_length', value: 'long' },
    ]);
    const problems = (await discord.waitForCallback(typed)).json.data;
    expect(problems.flags & 64).toBe(64);
    expect(problems.content).toBe('Some values need fixing:\n• Video Length must be a whole number');
    const reopen = discord.pressButton(
      discord.state.interactions.get(typed.id)!.originalMessageId!,
      problems.components[0].components[0].custom_id,
    );
    const again = (await discord.waitForCallback(reopen)).json.data;
    const kept = (again.components as { component: { custom_id: string; value?: string } }[]).map((label) => [
      label.component.custom_id,
      label.component.value,
    ]);
    expect(kept).toContainEqual(['video_length', 'long']);
    expect(kept).toContainEqual(['prompt', 'a heron in the reeds']);
    const blocked = discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a field of Gore' },
    ]);
    const blockedAnswer = await discord.waitForCall(
      (call) =>
        call.route.includes(`/${blocked.token}`) &&
        JSON.stringify(call.json ?? {}).includes('This prompt uses a term this server does not allow.'),
    );
    // The prompt is kept: Edit values reopens the form with it, to reword.
    const reword = discord.pressButton(
      (blockedAnswer.response as { id: string }).id,
      blockedAnswer.json.components[0].components[0].custom_id,
    );
    const rewordForm = (await discord.waitForCallback(reword)).json.data;
    expect(JSON.stringify(rewordForm.components)).toContain('a field of Gore');
    await reelbot.waitForLine(
      (line) => line.code === 'PROMPT_BLOCKED' && line.term === 'gore',
      'the refusal log',
    );
    expect(replicate.state.predictions.predictions.size).toBe(predictions);

    // `reelbot simulate` with the same settings refuses the sentence as chat does: before it is read
    // (no "Read as", no scene, no OpenAI call to interpret it), with the refusal and exit code 1.
    // A look at the scene (--scene-only) is refused alike, a blocked term and a flagged sentence.
    const interpretCalls = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
    const interpreted = interpretCalls();
    const cliRefusals = [
      ['boxes of GORE fall', 'reelbot: prompt uses the blocked term "gore" [PROMPT_BLOCKED]\n'],
      ['a knife fight of robots', 'reelbot: prompt flagged by moderation: violence [PROMPT_FLAGGED]\n'],
    ];
    for (const [sentence, refusal] of cliRefusals)
      for (const look of [[], ['--scene-only']]) {
        const cli = await runReelbot(['simulate', sentence!, ...look], {
          ...env(),
          DATA_DIR: path.join(dataDir, 'cli'),
        });
        expect(cli.stderr).toBe(refusal);
        expect(cli.code).toBe(1);
        expect(cli.stdout).toBe('');
      }
    expect(interpretCalls()).toBe(interpreted);

    // OpenAI moderation (the fake) flags violence: refused in plain words, logged, never predicted.
    const flagged = discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a knife fight on a bridge' },
    ]);
    await Promise.all([
      discord.waitForCall(
        (call) =>
          call.route.includes(`/${flagged.token}`) &&
          JSON.stringify(call.json ?? {}).includes('This prompt was flagged for violence.'),
      ),
      reelbot.waitForLine((line) => line.code === 'PROMPT_FLAGGED', 'the moderation refusal log'),
    ]);
    expect(replicate.state.predictions.predictions.size).toBe(predictions);
    expect(openai.moderations().map((r) => r.body.model)).toContain('omni-moderation-latest');

    // Flagged `sexual` (MODERATION_NSFW_CATEGORIES' default): made, but a spoiler in this ordinary channel.
    const video = discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a paper crane unfolding in a boudoir' },
    ]);
    const done = await discord.waitForCall(isFinalEdit(video.token));
    expect(done.files.map((file) => file.name)).toEqual([
      expect.stringMatching(/^SPOILER_reelbot-g_\w+\.mp4$/),
    ]);
    const button = buttonOf(done, 'Delete');
    const audit = await Promise.all([
      reelbot.waitForLine((line) => line.audit === 'delete', 'the audit line'),
      discord.pressButton(video.originalMessageId!, button.custom_id),
    ]);
    const deletedId = audit[0].generationId;
    await statusEdit(audit[1].token, /^🗑️ This video was deleted/);
    expect(deletedId).toEqual(expect.stringMatching(/^g_/));
    const left = fs
      .readdirSync(path.join(dataDir, 'media'))
      .filter((name) => name.includes(String(deletedId)));
    expect(left).toEqual([]);

    // Not an image: refused by name, and Edit values asks for another image instead of keeping the
    // refused one (left empty, it was refused again); the new PNG makes the video.
    const notImage = discord.uploadAttachment({
      bytes: Buffer.from('these are not the bytes of an image'),
      filename: 'cat.png',
      contentType: 'image/png',
    });
    const animate = discord.sendCommand('animate', [
      { name: 'image', value: notImage },
      { name: 'prompt', value: 'the cat yawns' },
    ]);
    const refusal = await discord.waitForCall(
      (call) =>
        call.method === 'POST' &&
        call.route.includes(`/${animate.token}`) &&
        (call.json?.content ?? '').startsWith('"cat.png" is not a JPEG, PNG, GIF or WebP image'),
    );
    const retry = discord.pressButton(
      (refusal.response as { id: string }).id,
      refusal.json.components[0].components[0].custom_id,
    );
    const retryForm = (await discord.waitForCallback(retry)).json.data;
    const imageInput = (retryForm.components as { component: { type: number; custom_id: string } }[])
      .map((label) => label.component)
      .find((component) => component.type === 19)!;
    expect(imageInput).toMatchObject({ required: true, min_values: 1 });
    const png = fs.readFileSync((await fakeMedia()).image);
    const retried = discord.submitModal(retryForm.custom_id, [
      { customId: 'prompt', value: 'the cat yawns' },
      {
        customId: imageInput.custom_id,
        files: [discord.uploadAttachment({ bytes: png, filename: 'cat.png', contentType: 'image/png' })],
      },
    ]);
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(retried.token)));
  });

  it('links a failed video to its gallery page, which shows the error', async () => {
    reelbot ??= await stage.start(env());
    const buttonsOf = (call: RecordedCall) =>
      (call.json.components as { components: { label: string; url?: string }[] }[]).flatMap(
        (row) => row.components,
      );

    replicate.state.predictions.configure(model, { failWith: 'CUDA out of memory on the fake GPU' });
    const failing = discord.sendCommand('video', [
      { name: 'model', value: model },
      { name: 'prompt', value: 'a glacier calving into the sea' },
    ]);
    const failed = await statusEdit(failing.token, /^❌ Failed/);
    replicate.state.predictions.configure(model, {});
    const link = new URL(buttonsOf(failed).find((b) => b.label === 'Open in gallery')!.url!);
    expect(link.pathname).toMatch(/^\/g\/g_\w+$/);
    const opened = await fetch(`${reelbot.url}${link.pathname}${link.search}`);
    const page = await opened.text();
    expect(page).toContain('What went wrong');
    // First in words a person understands, then Replicate's own text.
    expect(page).toContain('The model ran out of memory. Try a smaller size, fewer frames or fewer steps.');
    expect(page).toContain('CUDA out of memory on the fake GPU');
    // A link to one video opens no gallery: the page links nowhere that link would be a 404.
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const [, href] of page.matchAll(/<a [^>]*href="([^"]+)"/g)) {
      const followed = await fetch(new URL(href!.replaceAll('&amp;', '&'), reelbot.url), {
        headers: { cookie },
      });
      expect(followed.status, href).toBe(200);
      await followed.arrayBuffer();
    }
  });

  it('shrinks a video past the upload limit to fit, and the gallery plays the kept original, with Range', async () => {
    reelbot ??= await stage.start(env());
    // 3 MB kept (the sample, padded with a `free` box players skip) where this interaction takes 1 MB.
    const keptBytes = 3 * 1024 * 1024;
    replicate.state.predictions.configure(model, { output: 'huge', hugeBytes: keptBytes });
    const big = discord.sendCommand(
      'video',
      [
        { name: 'model', value: model },
        { name: 'prompt', value: 'a whale breaches at dusk' },
      ],
      { attachmentSizeLimit: 1024 * 1024 },
    );
    const done = await discord.waitForCall(isFinalEdit(big.token));
    replicate.state.predictions.configure(model, {});
    await expectPlayableUpload(done);
    expect(done.files[0]!.bytes.length).toBeLessThanOrEqual(1024 * 1024);
    expect(done.json.content).toContain('the original is in the gallery');

    const link = new URL((buttonOf(done, 'Open in gallery') as { url?: string }).url!);
    const opened = await fetch(`${reelbot.url}${link.pathname}${link.search}`);
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
    const src = /<video class="player__video"[^>]* src="([^"]+)"/.exec(await opened.text())![1]!;
    const ranged = await fetch(new URL(src, reelbot.url), { headers: { cookie, range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-type')).toBe('video/mp4');
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${keptBytes}`);
    expect((await ranged.arrayBuffer()).byteLength).toBe(1000);
    const whole = await fetch(new URL(src, reelbot.url), { headers: { cookie } });
    const original = Buffer.from(await whole.arrayBuffer());
    expect(original.length).toBe(keptBytes);
    expect((await probeVideo(original)).durationSeconds).toBeGreaterThan(1);
  });

  it('shows the prompt of a model that takes a list of prompts in its status, final message and gallery card, extends it with the last frame as a list of images, and keeps that list within its maxItems through Edit with new images, several at once, with a styles select capped at its maxItems', async () => {
    reelbot ??= await stage.start(env());
    // synthetic/arrays-and-odd-shapes takes `prompts`, a list (one per scene); the prompt option fills it.
    const listed = discord.sendCommand('video', [
      { name: 'model', value: 'synthetic/arrays-and-odd-shapes' },
      { name: 'prompt', value: 'a fox wakes in the snow' },
    ]);
    const running = await discord.waitForCall(
      (call) =>
        call.method === 'PATCH' &&
        call.route.includes(`/${listed.token}/messages/`) &&
        !/^✅ Done/.test(call.json?.content ?? '') &&
        /Prompt: /.test(call.json?.content ?? ''),
    );
    expect(running.json.content).toContain('Prompt: a fox wakes in the snow');
    const done = await discord.waitForCall(isFinalEdit(listed.token));
    expect(done.json.content).toContain('Prompt: a fox wakes in the snow');
    const sent = [...replicate.state.predictions.predictions.values()].find(
      (e) => e.prediction.model === 'synthetic/arrays-and-odd-shapes',
    )!;
    expect(sent.prediction.input?.prompts).toEqual(['a fox wakes in the snow']);
    const galleryCommand = discord.sendCommand('gallery', []);
    const galleryLink = new URL(
      /https?:\/\/\S+/.exec((await discord.waitForCallback(galleryCommand)).json.data.content)![0],
    );
    const gallery = await (await fetch(`${reelbot.url}${galleryLink.pathname}${galleryLink.search}`)).text();
    expect(gallery).toContain('<p class="card__prompt">a fox wakes in the snow</p>');

    // Extend on its own model: `reference_images` takes a list, so the last frame goes as a list of one.
    const extendButton = buttonOf(done, 'Extend');
    const press = discord.pressButton(listed.originalMessageId!, extendButton.custom_id);
    const modal = (await discord.waitForCallback(press)).json;
    expect(modal.type).toBe(9);
    const extend = discord.submitModal(modal.data.custom_id, [
      { customId: 'prompt', value: 'the fox reaches the river' },
    ]);
    expect((await discord.waitForCallback(extend)).json.type).toBe(5);
    const extended = await discord.waitForCall(isFinalEdit(extend.token));
    const listedImages = (prompt: string) => {
      const entry = [...replicate.state.predictions.predictions.values()].find(
        (e) => JSON.stringify(e.prediction.input?.prompts) === JSON.stringify([prompt]),
      )!;
      expect(entry.prediction.model).toBe('synthetic/arrays-and-odd-shapes');
      // Each image by its id in Replicate's Files API.
      return ((entry.prediction.input?.reference_images ?? []) as string[]).map((url) =>
        url.split('/').pop(),
      );
    };
    /** The file uploaded last: the image of the latest Edit (nothing else goes to the Files API meanwhile). */
    const newestUpload = () => [...replicate.state.predictions.files.keys()].at(-1);
    const [frame] = listedImages('the fox reaches the river');
    expect(frame).toBe(newestUpload());

    // Edit & re-run with a new image, twice: `reference_images` takes at most 2 (its maxItems), so the
    // new upload goes first, the kept images after it, and the oldest drops out rather than the
    // list growing past what Replicate accepts.
    const png = fs.readFileSync((await fakeMedia()).image);
    // The same picture with its name after the PNG's end: each upload tells by its bytes which it is.
    const pngNamed = (filename: string) => Buffer.concat([png, Buffer.from(filename)]);
    const editWithImages = async (
      done: RecordedCall,
      messageId: string,
      prompt: string,
      filenames: string[],
    ) => {
      const form = (
        await discord.waitForCallback(
          discord.pressButton(messageId, buttonOf(done, 'Edit & re-run').custom_id),
        )
      ).json.data;
      // The upload picker takes as many images as the list does (its maxItems), not Discord's 10.
      const picker = (form.components as { component: { custom_id: string; max_values: number } }[]).find(
        (label) => label.component.custom_id === 'reference_images',
      )!.component;
      expect(picker.max_values).toBe(2);
      // So does the styles select: 2 of its 3 options at most (its maxItems), not refused on submit.
      const styles = (form.components as { component: { custom_id: string; max_values: number } }[]).find(
        (label) => label.component.custom_id === 'styles',
      )!.component;
      expect(styles.max_values).toBe(2);
      const submit = discord.submitModal(form.custom_id, [
        { customId: 'prompts', value: prompt },
        { customId: 'styles', values: ['anime', 'watercolor'] },
        {
          customId: 'reference_images',
          files: filenames.map((filename) =>
            discord.uploadAttachment({ bytes: pngNamed(filename), filename, contentType: 'image/png' }),
          ),
        },
      ]);
      const step = (await discord.waitForCallback(submit)).json.data;
      const go = (step.components[0].components as { label: string; custom_id: string }[]).find(
        (button) => button.label === 'Generate now',
      )!;
      const generate = discord.pressButton(submit.originalMessageId!, go.custom_id);
      return {
        done: await discord.waitForCall(isFinalEdit(generate.token)),
        messageId: generate.originalMessageId!,
      };
    };
    const heron = await editWithImages(extended, extend.originalMessageId!, 'the fox meets a heron', [
      'heron.png',
    ]);
    const heronImage = newestUpload();
    expect(listedImages('the fox meets a heron')).toEqual([heronImage, frame]);
    const heronInput = [...replicate.state.predictions.predictions.values()].find(
      (e) => JSON.stringify(e.prediction.input?.prompts) === JSON.stringify(['the fox meets a heron']),
    )!.prediction.input;
    expect(heronInput?.styles).toEqual(['anime', 'watercolor']);
    const sky = await editWithImages(heron.done, heron.messageId, 'the heron flies off', ['sky.png']);
    expect(listedImages('the heron flies off')).toEqual([newestUpload(), heronImage]);
    expect(newestUpload()).not.toBe(heronImage);

    // Two images uploaded at once into the list: both reach Replicate, in the order the person gave
    // them (only the last one was sent before), and they fill the list, so the kept ones drop out.
    await editWithImages(sky.done, sky.messageId, 'two herons land', ['left-heron.png', 'right-heron.png']);
    const herons = listedImages('two herons land').map(
      (id) => replicate.state.predictions.files.get(id!)?.bytes,
    );
    expect(herons).toEqual([pngNamed('left-heron.png'), pngNamed('right-heron.png')]);
  });

  it('takes an allow-list from /settings by a server admin, then refuses another model with no prediction', async () => {
    reelbot ??= await stage.start(env());
    const answerTo = (token: string, match: RegExp) =>
      discord.waitForCall(
        (call) =>
          call.method === 'POST' &&
          call.route.includes(`/${token}`) &&
          match.test(call.json?.data?.content ?? call.json?.content ?? ''),
      );
    const set = discord.sendCommand(
      'settings',
      [
        { name: 'action', value: 'set' },
        { name: 'key', value: 'allowedModels' },
        { name: 'value', value: model },
      ],
      { memberPermissions: managerPermissions },
    );
    const told = await answerTo(set.token, /^Allowed models is now minimax\/video-01/);
    expect(told.json.data.flags & 64).toBe(64);

    const predictions = replicate.state.predictions.predictions.size;
    const refused = discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a kite over the dunes' },
    ]);
    await answerTo(
      refused.token,
      /^The model tencent\/hunyuan-video is not allowed here\. Allowed: minimax\/video-01\.$/,
    );
    expect(replicate.state.predictions.predictions.size).toBe(predictions);

    const reset = discord.sendCommand(
      'settings',
      [
        { name: 'action', value: 'reset' },
        { name: 'key', value: 'allowedModels' },
      ],
      { memberPermissions: managerPermissions },
    );
    await answerTo(
      reset.token,
      /^Allowed models is now collection:text-to-video, collection:image-to-video \(default\)/,
    );
  });

  it('refuses one image for a model that needs two, only to the person, before uploading it', async () => {
    reelbot ??= await stage.start(env());
    const uploads = replicate.state.predictions.files.size;
    const predictions = replicate.state.predictions.predictions.size;
    const png = fs.readFileSync((await fakeMedia()).image);
    const video = discord.sendCommand('video', [
      { name: 'model', value: 'synthetic/reference-pair' },
      { name: 'prompt', value: 'two foxes meet' },
      {
        name: 'image',
        value: discord.uploadAttachment({ bytes: png, filename: 'fox.png', contentType: 'image/png' }),
      },
    ]);
    // Told at once, privately: no public "thinking…" first.
    const answer = (await discord.waitForCallback(video)).json;
    expect(answer.type).toBe(4);
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toBe(
      'Some values need fixing:\n• Reference Images takes at least 2 images; 1 was given',
    );
    expect(replicate.state.predictions.files.size).toBe(uploads);
    expect(replicate.state.predictions.predictions.size).toBe(predictions);
  });

  it('refuses a Re-roll of a deleted video only to the person who pressed, with no public message', async () => {
    reelbot ??= await stage.start(env());
    const video = discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a paper boat in the gutter' },
    ]);
    const done = await discord.waitForCall(isFinalEdit(video.token));
    const deleteButton = buttonOf(done, 'Delete').custom_id;
    const generationId = deleteButton.split(':').pop();
    discord.pressButton(video.originalMessageId!, deleteButton);
    // Gone from the store once its audit line is written.
    await reelbot.waitForLine(
      (line) => line.audit === 'delete' && line.generationId === generationId,
      'the audit line',
    );
    const predictions = replicate.state.predictions.predictions.size;
    const press = discord.pressButton(video.originalMessageId!, buttonOf(done, 'Re-roll').custom_id);
    const answer = await discord.waitForCallback(press);
    // Before, a public "thinking…" (type 5) came first, seen by everyone, then was deleted.
    expect(answer.json.type).toBe(4);
    expect(answer.json.data.flags & 64).toBe(64);
    expect(answer.json.data.content).toMatch(/^I could not find the generation "g_\w+"\.$/);
    const answered = discord.calls.filter((call) => call.route.includes(`/${press.token}`));
    expect(answered).toEqual([answer]);
    expect(replicate.state.predictions.predictions.size).toBe(predictions);
  });

  it('stops within 10 s of SIGTERM while a job and a Discord request hang, and the next start delivers the video once', async () => {
    reelbot ??= await stage.start(env());
    replicate.state.predictions.configure('minimax/video-01', { manual: true });
    const before = replicate.state.predictions.predictions.size;
    const after = reelbot.lines.length;
    const command = discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01' },
      { name: 'prompt', value: 'a lighthouse in a storm' },
    ]);
    // Discord never answers the first edit of the status message.
    const edits = `/webhooks/${discord.state.applicationId}/${command.token}/messages`;
    discord.inject({ method: 'PATCH', routePrefix: edits, status: 0, hang: true });
    await discord.waitForCall((call) => call.status === 0 && call.route.startsWith(edits));
    await reelbot.waitForLine((line) => line.msg === 'prediction started', 'the prediction to start', {
      after,
    });
    expect(replicate.state.predictions.predictions.size).toBe(before + 1);
    const prediction = [...replicate.state.predictions.predictions.values()].at(-1)!;

    // stop() fails unless the process, the render worker and Xvfb are all gone within 10 s.
    const stopped = await reelbot.stop();
    expect(stopped.code).not.toBe(0);
    expect(reelbot.lines.some((line) => /^shutdown took longer/.test(line.msg ?? ''))).toBe(true);
    reelbot = undefined;

    // While reelbot is down, the prediction finishes.
    while (prediction.prediction.status !== 'succeeded')
      replicate.state.predictions.advance(prediction.prediction.id);
    reelbot = await stage.start(env());
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(command.token)));

    const clean = await reelbot.stop();
    expect(clean.code).toBe(0);
    expect(reelbot.lines.at(-1)?.msg).toBe('stopped');
    reelbot = undefined;
    // Once: no second upload of the same video, before or after the restart.
    expect(discord.calls.filter(isFinalEdit(command.token))).toHaveLength(1);
  });

  it('ends a batch cut by SIGTERM at the next start: /video count:2 with an image, one grid, posted once', async () => {
    const i2vgen = 'ali-vilab/i2vgen-xl';
    replicate.state.predictions.configure(i2vgen, { manual: true });
    if (reelbot) expect((await reelbot.stop()).code).toBe(0);
    reelbot = await stage.start(env());
    const png = fs.readFileSync((await fakeMedia()).image);
    const image = discord.uploadAttachment({ bytes: png, filename: 'quay.png', contentType: 'image/png' });
    const batch = discord.sendCommand('video', [
      { name: 'model', value: i2vgen },
      { name: 'prompt', value: 'a quay at night' },
      { name: 'image', value: image },
      { name: 'count', value: 2 },
    ]);
    await statusEdit(batch.token, /^Batch of 2: “a quay at night”/);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;

    // While reelbot is down the clips started finish; any not started yet runs on its own.
    replicate.state.predictions.configure(i2vgen, { steps: 1 });
    const clips = () =>
      [...replicate.state.predictions.predictions.values()].filter(
        (e) => e.prediction.input?.prompt === 'a quay at night',
      );
    for (const entry of clips())
      while (entry.prediction.status !== 'succeeded')
        replicate.state.predictions.advance(entry.prediction.id);
    const restartedAt = discord.mark();
    reelbot = await stage.start(env());
    const grid = await statusEdit(batch.token, /Side by side above/, restartedAt);
    expect(grid.files).toHaveLength(1);
    expect(await probeVideo(grid.files[0]!.bytes)).toMatchObject({ codec: 'h264', height: 360 });
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;

    // Once, and each clip had the image and its own seed.
    const grids = discord.calls.filter(
      (call) =>
        call.method === 'PATCH' &&
        call.route.includes(`/${batch.token}/messages/`) &&
        /Side by side above/.test(call.json?.content ?? ''),
    );
    expect(grids).toHaveLength(1);
    const inputs = clips().map((e) => e.prediction.input as Record<string, unknown>);
    expect(inputs).toHaveLength(2);
    expect(new Set(inputs.map((input) => input.seed)).size).toBe(2);
    for (const input of inputs) expect(String(input.image)).toMatch(/^http/);
  });

  it('keeps a person’s queue across SIGTERM: the same places after the restart, then run in the order asked for', async () => {
    replicate.state.predictions.configure(model, { manual: true, steps: 1 });
    const oneAtATime = { ...env(), MAX_JOBS_PER_USER: '1' };
    reelbot = await stage.start(oneAtATime);
    const video = (prompt: string) =>
      discord.sendCommand('video', [
        { name: 'model', value: model },
        { name: 'prompt', value: prompt },
      ]);
    const mine = () =>
      [...replicate.state.predictions.predictions.values()].filter((e) =>
        String(e.prediction.input?.prompt).endsWith('in my line'),
      );
    const first = video('first in my line');
    await statusEdit(first.token, /^⏳ Generating/);
    const second = video('second in my line');
    await statusEdit(second.token, /^🕒 Queued: 1 of yours ahead/);
    const third = video('third in my line');
    await statusEdit(third.token, /^🕒 Queued: 2 of yours ahead/);
    expect(mine()).toHaveLength(1);

    expect((await reelbot.stop()).code).toBe(0);
    const restartedAt = discord.mark();
    reelbot = await stage.start(oneAtATime);
    // The line is back as it was, before anything moved.
    await statusEdit(third.token, /^🕒 Queued: 2 of yours ahead/, restartedAt);
    expect(mine()).toHaveLength(1);

    finish('first in my line');
    await statusEdit(first.token, /^✅ Done/, restartedAt);
    await statusEdit(second.token, /^⏳ Generating/, restartedAt);
    await statusEdit(third.token, /^🕒 Queued: 1 of yours ahead/, restartedAt);
    finish('second in my line');
    await statusEdit(second.token, /^✅ Done/, restartedAt);
    await statusEdit(third.token, /^⏳ Generating/, restartedAt);
    finish('third in my line');
    await statusEdit(third.token, /^✅ Done/, restartedAt);

    // Each ran once, in the order asked for.
    const order = mine()
      .sort((a, b) => (a.prediction.created_at ?? '').localeCompare(b.prediction.created_at ?? ''))
      .map((e) => e.prediction.input?.prompt);
    expect(order).toEqual(['first in my line', 'second in my line', 'third in my line']);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });

  it('shows what a video cost, then refuses a person at the daily limit, and a compare past it whole, without creating a prediction', async () => {
    replicate.state.predictions.configure(model, { steps: 1, predictTime: 30 });
    reelbot = await stage.start({ ...env(), DAILY_VIDEOS_PER_USER: '1' });
    const user = {
      id: '310000000000000042',
      username: 'hedy',
      global_name: 'Hedy',
      discriminator: '0',
      avatar: null,
    };
    const video = (prompt: string) =>
      discord.sendCommand(
        'video',
        [
          { name: 'model', value: model },
          { name: 'prompt', value: prompt },
        ],
        { user },
      );
    const first = video('a windmill at dawn');
    const done = await discord.waitForCall(isFinalEdit(first.token));
    // minimax/video-01 is sold per video: $0.50 in the shipped price table.
    expect(done.json.content).toContain('GPU 30 s · about $0.50');

    const before = replicate.state.predictions.predictions.size;
    const refused = video('a second windmill');
    // Told at once, only to her, before anything is deferred or looked up.
    const answer = (await discord.waitForCallback(refused)).json;
    expect(answer.type).toBe(4);
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toBe('You have made 1 of 1 videos today; the count resets at 00:00 UTC.');
    expect(replicate.state.predictions.predictions.size).toBe(before);
    await reelbot.waitForLine((line) => line.code === 'QUOTA_REACHED', 'the refusal in the log');

    // A compare counts each of its clips: two models with one video left is refused whole, in words
    // that name the limit, and no clip starts (not half a comparison).
    const compare = discord.sendCommand(
      'compare',
      [
        { name: 'prompt', value: 'a windmill, compared' },
        { name: 'model1', value: model },
        { name: 'model2', value: 'lucataco/animate-diff' },
      ],
      { user: { ...user, id: '310000000000000043', username: 'ida', global_name: 'Ida' } },
    );
    const whole = await discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route.includes(`/webhooks/`) && call.route.includes(compare.token),
    );
    expect(whole.json?.flags).toBe(64);
    expect(whole.json?.content).toBe(
      'These 2 videos would take you past your 1 a day: you have made 0, so one more fits today; the count resets at 00:00 UTC.',
    );
    expect(replicate.state.predictions.predictions.size).toBe(before);
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });

  it('says in one sentence that Discord refused the token, and leaves nothing running', async () => {
    const refused = stage.spawn({ ...env(), DISCORD_TOKEN: 'not-the-token' });
    try {
      expect((await refused.exited).code).toBe(1);
      // The gallery, the render worker and Xvfb started before the bot: they must not outlive it.
      await refused.gone();
    } finally {
      refused.kill();
    }
    expect(refused.stderr()).toContain('Discord refused DISCORD_TOKEN');
    expect(refused.stderr()).not.toMatch(/^\s+at /m);
  });

  // The worker's life is under test, not the picture: a two-second draft keeps each render quick on a busy machine.
  const shortDraft = [
    { name: 'duration', value: 2 },
    { name: 'quality', value: 'draft' },
  ];
  it('starts the render worker with the first /simulate, stops it with its Xvfb when idle, and starts it again', async () => {
    reelbot?.kill();
    reelbot = await stage.start({ ...env(), RENDER_IDLE_SECONDS: '1' });
    const isReady = (line: { msg?: string }) => line.msg === 'render worker ready';
    const isIdle = (line: { msg?: string }) => /^render worker stopped/.test(line.msg ?? '');
    expect(reelbot.lines.some(isReady)).toBe(false);

    const first = discord.sendCommand('simulate', [
      { name: 'prompt', value: 'a ball falls on a box' },
      ...shortDraft,
    ]);
    const ready = await reelbot.waitForLine(isReady, 'the render worker to start');
    const worker = identify(Number(ready.pid))!;
    const xvfbRecord = path.join(dataDir, 'run', fs.readdirSync(path.join(dataDir, 'run'))[0]!);
    const xvfb = (JSON.parse(fs.readFileSync(xvfbRecord, 'utf8')) as XvfbRecord).xvfb;
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(first.token)));

    const idle = reelbot.lines.length;
    await reelbot.waitForLine(isIdle, 'the idle stop');
    expect(isRunning(worker)).toBe(false);
    expect(isRunning(xvfb)).toBe(false);
    expect(fs.existsSync(xvfbRecord)).toBe(false);

    const second = discord.sendCommand('simulate', [
      { name: 'prompt', value: 'two boxes tumble' },
      ...shortDraft,
    ]);
    const again = await reelbot.waitForLine(isReady, 'the render worker to start again', { after: idle });
    expect(Number(again.pid)).not.toBe(worker.pid);
    await expectPlayableUpload(await discord.waitForCall(isFinalEdit(second.token)));
    expect((await reelbot.stop()).code).toBe(0);
    reelbot = undefined;
  });
});
