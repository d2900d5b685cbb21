import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelOptionValue, slackViewLimits, validateSlackView } from '../../../src/bots/slack/form/index.js';
import { modelFromFixture } from '../../fakes/replicate/catalog.js';
import { loadSyntheticSchemas } from '../../fixtures/schemas/index.js';
import { type SlackHarness, startSlackHarness } from './harness.js';

describe('Slack: a model whose owner/name is longer than an option value', () => {
  let h: SlackHarness;
  const fixture = loadSyntheticSchemas().find((f) => f.name.startsWith('compositional'))!;
  const ref = `${fixture.owner}/${fixture.name}`;
  beforeAll(async () => {
    h = await startSlackHarness();
    h.replicate.addModel(modelFromFixture(fixture, 1e9));
    h.replicate.state.predictions.configure(ref, { steps: 1, tickMs: 2 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is offered, chosen, shown with a valid chooser and run under its whole name', async () => {
    const person = { id: 'U0LONGNAME' };
    const since = h.slack.log.last;
    await h.client.slashCommand({ command: '/video', text: '', person });
    const open = await h.slack.waitForCall('views.open', () => true, { since });
    const viewId = (open.response as { view: { id: string } }).view.id;

    const suggestions = await h.client.blockSuggestion({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: 'compositional',
    });
    const offered = suggestions.json.options as { value: string; text: { text: string } }[];
    const option = offered.find((o) => o.value === modelOptionValue(ref));
    expect(option).toBeDefined();
    expect(option!.value.length).toBeLessThanOrEqual(slackViewLimits.optionValue);

    await h.client.viewAction({
      view: h.slack.viewPayload(viewId),
      actionId: 'model',
      value: option!.value,
      person,
    });
    const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, { since });
    expect(validateSlackView(update.args.view)).toEqual([]);
    expect(JSON.stringify(update.args.view)).toContain('"block_id":"prompt"');

    const submit = await h.client.viewSubmission({
      view: h.slack.viewPayload(viewId),
      inputs: { prompt: 'two dogs and a cat' },
      person,
    });
    expect(submit.json.response_action).toBeUndefined();
    await h.slack.waitForCall('files.completeUploadExternal', () => true, { since });
    const created = [...h.replicate.state.predictions.predictions.values()].map((p) => p.prediction.model);
    expect(created).toContain(ref);
  });
});
