import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromFixture } from '../../fakes/replicate/catalog.js';
import { loadSyntheticSchemas } from '../../fixtures/schemas/index.js';
import { type DiscordHarness, pngBytes, startHarness, waitForEdit } from './harness.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startHarness();
  for (const model of ['minimax/video-01-live', 'anotherjesse/zeroscope-v2-xl'])
    h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2 });
  const noInputs = loadSyntheticSchemas().find((fixture) => fixture.name === 'no-inputs')!;
  h.replicate.addModel(modelFromFixture(noInputs));
  h.replicate.state.predictions.configure('synthetic/no-inputs', { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
});

type Component = { type: number; custom_id?: string; value?: string; label?: string; component?: Component };

function labelled(modal: { components: Component[] }) {
  return modal.components.map((label) => ({ label: label.label, ...label.component! }));
}

function predictionFor(prompt: string) {
  return [...h.replicate.state.predictions.predictions.values()].find(
    (p) => p.prediction.input?.prompt === prompt,
  );
}

describe('forms built from the schema', () => {
  it('asks for a missing required image in a modal with a File Upload and generates from the submission', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01-live' },
      { name: 'prompt', value: 'the statue slowly turns its head' },
    ]);
    const shown = await h.discord.waitForCallback(command);
    expect(shown.status).toBe(204);
    expect(shown.json.type).toBe(9);
    const modal = shown.json.data;
    expect(modal.components.length).toBeLessThanOrEqual(5);
    expect(modal.components.every((c: Component) => c.type === 18)).toBe(true);
    const inputs = labelled(modal);
    const upload = inputs.find((c) => c.custom_id === 'first_frame_image')!;
    expect(upload.type).toBe(19);
    // What was typed in the command is already in the form.
    expect(inputs.find((c) => c.custom_id === 'prompt')?.value).toBe('the statue slowly turns its head');

    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'statue.png',
      contentType: 'image/png',
    });
    const submit = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'the statue slowly turns its head' },
      { customId: 'first_frame_image', files: [image] },
      { customId: 'prompt_optimizer', values: ['false'] },
    ]);
    expect((await h.discord.waitForCallback(submit)).json.type).toBe(5);
    const done = await waitForEdit(h, submit.token, /^✅ Done/);
    expect(done.files[0]?.name).toMatch(/\.mp4$/);

    const prediction = predictionFor('the statue slowly turns its head')!;
    expect(prediction.prediction.input?.first_frame_image).toMatch(new RegExp(`^${h.replicate.baseUrl}/`));
    expect(prediction.prediction.input?.prompt_optimizer).toBe(false);
    expect(h.replicate.state.predictions.files.size).toBeGreaterThan(0);
  });

  it('keeps the image of the command when the advanced form leaves the upload empty', async () => {
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'kept.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01-live' },
      { name: 'prompt', value: 'the kept image moves' },
      { name: 'image', value: image },
      { name: 'advanced', value: true },
    ]);
    const modal = (await h.discord.waitForCallback(command)).json.data;
    const upload = labelled(modal).find((c) => c.custom_id === 'first_frame_image') as Component & {
      required?: boolean;
    };
    expect(upload.required).toBe(false);
    const submit = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'the kept image moves' },
    ]);
    await waitForEdit(h, submit.token, /^✅ Done/);
    expect(predictionFor('the kept image moves')?.prediction.input?.first_frame_image).toMatch(
      new RegExp(`^${h.replicate.baseUrl}/`),
    );
  });

  it('offers the form again with the values kept when a value is invalid, then walks the pages', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'anotherjesse/zeroscope-v2-xl' },
      { name: 'prompt', value: 'a paper boat on a river' },
      { name: 'advanced', value: true },
    ]);
    const first = (await h.discord.waitForCallback(command)).json.data;
    expect(first.title).toMatch(/\(1\/\d\)$/);
    const page = labelled(first);
    const numeric = page.find(
      (c) => c.type === 4 && c.custom_id !== 'prompt' && /^\d+$/.test(c.value ?? ''),
    )!;
    expect(numeric).toBeDefined();
    const values = page
      .filter((c) => c.type === 4)
      .map((c) => ({
        customId: c.custom_id!,
        value: c.custom_id === numeric.custom_id ? 'lots' : (c.value ?? ''),
      }));

    const bad = h.discord.submitModal(first.custom_id, values);
    const problems = await h.discord.waitForCallback(bad);
    expect(problems.json.type).toBe(4);
    expect(problems.json.data.flags & 64).toBe(64);
    // Named as the form labels it, not by the model's input name.
    expect(problems.json.data.content).toContain(`• ${numeric.label} must be a whole number`);
    const editButton = problems.json.data.components[0].components[0];
    expect(editButton.label).toBe('Edit values');

    // The fix button answers with the same page, the bad value still in it.
    const message = h.discord.state.interactions.get(bad.id)!.originalMessageId!;
    const press = h.discord.pressButton(message, editButton.custom_id);
    const again = (await h.discord.waitForCallback(press)).json;
    expect(again.type).toBe(9);
    expect(labelled(again.data).find((c) => c.custom_id === numeric.custom_id)?.value).toBe('lots');
    expect(labelled(again.data).find((c) => c.custom_id === 'prompt')?.value).toBe('a paper boat on a river');

    const fixed = h.discord.submitModal(
      again.data.custom_id,
      values.map((v) => (v.customId === numeric.custom_id ? { ...v, value: numeric.value! } : v)),
    );
    const step = (await h.discord.waitForCallback(fixed)).json.data;
    const [more, go] = step.components[0].components;
    expect(more.label).toMatch(/More options/);
    expect(go.label).toBe('Generate now');

    const stepMessage = h.discord.state.interactions.get(fixed.id)!.originalMessageId!;
    const second = h.discord.pressButton(stepMessage, more.custom_id);
    const secondPage = (await h.discord.waitForCallback(second)).json;
    expect(secondPage.type).toBe(9);
    expect(secondPage.data.title).toMatch(/\(2\/\d\)$/);

    const generate = h.discord.pressButton(stepMessage, go.custom_id);
    expect((await h.discord.waitForCallback(generate)).json.type).toBe(5);
    await waitForEdit(h, generate.token, /^✅ Done/);
    expect(predictionFor('a paper boat on a river')?.prediction.input?.[numeric.custom_id!]).toBeUndefined();
  });

  it('refuses a prompt over 2,000 characters from the form, saying how long it is', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'minimax/video-01-live' },
      { name: 'prompt', value: 'a very long story' },
      { name: 'advanced', value: true },
    ]);
    const modal = (await h.discord.waitForCallback(command)).json.data;
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'story.png',
      contentType: 'image/png',
    });
    const uploadsBefore = h.replicate.state.predictions.files.size;
    const submit = h.discord.submitModal(modal.custom_id, [
      { customId: 'prompt', value: 'w'.repeat(3000) },
      { customId: 'first_frame_image', files: [image] },
    ]);
    const answer = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' && call.route === `/webhooks/${h.discord.state.applicationId}/${submit.token}`,
    );
    expect(answer.json.flags & 64).toBe(64);
    expect(answer.json.content).toContain('Prompts can be at most 2,000 characters; yours has 3,000');
    expect(predictionFor('w'.repeat(3000))).toBeUndefined();
    // Refused before the image went to Replicate.
    expect(h.replicate.state.predictions.files.size).toBe(uploadsBefore);
  });

  it('/animate takes the image option and runs the default image-to-video model', async () => {
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'boat.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('animate', [
      { name: 'image', value: image },
      { name: 'prompt', value: 'waves rock the boat' },
    ]);
    expect((await h.discord.waitForCallback(command)).json.type).toBe(5);
    const done = await waitForEdit(h, command.token, /^✅ Done/);
    expect(done.json.content).toContain('Model: minimax/video-01-live');
    const prediction = predictionFor('waves rock the boat')!;
    expect(prediction.prediction.input?.first_frame_image).toMatch(new RegExp(`^${h.replicate.baseUrl}/`));
  });

  it('says plainly when an attachment is not an image, only to the user, and removes the public message', async () => {
    const text = h.discord.uploadAttachment({
      bytes: Buffer.from('just some notes, not a picture\n'.repeat(20)),
      filename: 'notes.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('animate', [
      { name: 'image', value: text },
      { name: 'prompt', value: 'make it move' },
    ]);
    const followUp = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' &&
        call.route === `/webhooks/${h.discord.state.applicationId}/${command.token}`,
    );
    expect(followUp.json.flags & 64).toBe(64);
    expect(followUp.json.content).toContain('is not a JPEG, PNG, GIF or WebP image');
    expect(followUp.json.components[0].components[0].label).toBe('Edit values');
    expect(
      h.discord.calls.some(
        (call) =>
          call.method === 'DELETE' &&
          call.route.startsWith(`/webhooks/${h.discord.state.applicationId}/${command.token}/`),
      ),
    ).toBe(true);
  });

  it('says plainly when an image is too big', async () => {
    const big = h.discord.uploadAttachment({
      bytes: Buffer.concat([await pngBytes(), Buffer.alloc(11 * 1024 * 1024)]),
      filename: 'huge.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('animate', [
      { name: 'image', value: big },
      { name: 'prompt', value: 'too big to move' },
    ]);
    const followUp = await h.discord.waitForCall(
      (call) =>
        call.method === 'POST' &&
        call.route === `/webhooks/${h.discord.state.applicationId}/${command.token}`,
    );
    expect(followUp.json.flags & 64).toBe(64);
    expect(followUp.json.content).toBe('The image is too large: at most 10 MB, please.');
  });

  it('refuses an image for a model that takes none, in plain words', async () => {
    const image = h.discord.uploadAttachment({
      bytes: await pngBytes(),
      filename: 'x.png',
      contentType: 'image/png',
    });
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'tencent/hunyuan-video' },
      { name: 'prompt', value: 'a cat' },
      { name: 'image', value: image },
    ]);
    const answer = await h.discord.waitForCallback(command);
    expect(answer.json.type).toBe(4);
    expect(answer.json.data.flags & 64).toBe(64);
    expect(answer.json.data.content).toContain('takes no image');
  });

  it('runs a model that takes no input at once, even when the advanced form was asked for', async () => {
    const command = h.discord.sendCommand('video', [
      { name: 'model', value: 'synthetic/no-inputs' },
      { name: 'prompt', value: 'plasma' },
      { name: 'advanced', value: true },
    ]);
    const done = await waitForEdit(h, command.token, /^✅ Done/);
    expect(done.files[0]?.name).toMatch(/\.mp4$/);
    const prediction = [...h.replicate.state.predictions.predictions.values()].find(
      (p) => p.prediction.model === 'synthetic/no-inputs',
    );
    expect(prediction?.prediction.input).toEqual({});
  });
});
