import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromFixture } from '../../fakes/replicate/catalog.js';
import { nextEvent, openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

const model = 'synthetic/hundred-and-twenty-inputs';
const person = { id: 'U0PAGES01', name: 'ada' };
/** More inputs than one Slack view holds (100 blocks with the chooser and the Back/Next row). */
const inputs = 120;
let h: SlackHarness;

type Json = Record<string, unknown>;

/** A model of a prompt and 119 optional text inputs, in that order. */
function wideModel() {
  const properties: Record<string, Json> = {
    prompt: { type: 'string', title: 'Prompt', 'x-order': 0 },
  };
  for (let i = 1; i < inputs; i++)
    properties[`extra_${String(i).padStart(3, '0')}`] = { type: 'string', title: `Extra ${i}`, 'x-order': i };
  return modelFromFixture({
    owner: 'synthetic',
    name: 'hundred-and-twenty-inputs',
    version_id: '00000000000000000000000000000000000000000000000000000000000000f0',
    openapi_schema: {
      openapi: '3.0.2',
      info: { title: 'Cog', version: '0.1.0' },
      components: {
        schemas: {
          Input: { type: 'object', title: 'Input', required: ['prompt'], properties },
          Output: { type: 'string', format: 'uri' },
        },
      },
    },
  } as unknown as Parameters<typeof modelFromFixture>[0]);
}

beforeAll(async () => {
  h = await startSlackHarness();
  h.replicate.addModel(wideModel());
  h.replicate.state.predictions.configure(model, { steps: 1, tickMs: 2 });
});
afterAll(async () => {
  await h?.close();
});

function viewOf(viewId: string) {
  return h.slack.view(viewId)!.view as { title: { text: string }; blocks: Json[] };
}

/** Presses Back or Next and waits for the modal to show the other page. */
async function turn(viewId: string, actionId: string, value: string, typed: Record<string, string>) {
  const since = h.slack.log.last;
  await h.client.viewAction({ view: h.slack.viewPayload(viewId), actionId, value, inputs: typed, person });
  await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
  return viewOf(viewId);
}

describe('Slack: a form with more inputs than one view holds', () => {
  it('is split into pages with Back and Next, keeps the values between pages, and submits them all', async () => {
    const form = await openModelForm(h, { command: '/video', text: 'a very wide form', model, person });
    const first = viewOf(form.viewId);
    expect(first.title.text).toMatch(/ 1\/2$/);
    expect(first.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(first.blocks)).toContain('reelbot_form_next');
    expect(JSON.stringify(first.blocks)).not.toContain('reelbot_form_back');
    const onFirst = new Set(first.blocks.map((b) => b.block_id));
    expect(onFirst.has('prompt')).toBe(true);
    expect(onFirst.has('extra_110')).toBe(false);

    const second = await turn(form.viewId, 'reelbot_form_next', '1', {
      prompt: 'a very wide form, edited',
      extra_001: 'first page value',
    });
    expect(second.title.text).toMatch(/ 2\/2$/);
    const block = (view: typeof second, id: string) => view.blocks.find((b) => b.block_id === id);
    expect(block(second, 'extra_110')).toBeDefined();
    expect(block(second, 'prompt')).toBeUndefined();
    expect(JSON.stringify(second.blocks)).toContain('reelbot_form_back');
    // Every input is on exactly one page.
    const inputBlocks = (view: typeof second) => view.blocks.filter((b) => b.type === 'input');
    expect(inputBlocks(first).length - 1 + inputBlocks(second).length).toBe(inputs);

    // Back shows the first page with what was typed there; Next shows the second with its value.
    const back = await turn(form.viewId, 'reelbot_form_back', '0', { extra_110: 'second page value' });
    expect((block(back, 'prompt')!.element as Json).initial_value).toBe('a very wide form, edited');
    expect((block(back, 'extra_001')!.element as Json).initial_value).toBe('first page value');
    const again = await turn(form.viewId, 'reelbot_form_next', '1', {});
    expect((block(again, 'extra_110')!.element as Json).initial_value).toBe('second page value');

    const done = nextEvent(h.service, (e) => e.type === 'succeeded' && e.generation.model === model);
    const submit = await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    expect(submit.json.response_action).toBeUndefined();
    const generation = (await done).generation;
    expect(generation.input).toMatchObject({
      prompt: 'a very wide form, edited',
      extra_001: 'first page value',
      extra_110: 'second page value',
    });
  });
});
