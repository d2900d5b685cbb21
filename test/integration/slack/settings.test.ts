import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ serverSettings: true });
  h.slack.workspace.admins.add('U0SETADM1');
});
afterAll(async () => {
  await h?.close();
});

const admin = { id: 'U0SETADM1', name: 'grace' };
const member = { id: 'U0SETMEM1' };
const team = () => ({ platform: 'slack' as const, workspaceId: h.slack.workspace.teamId });

async function reelbot(text: string, person: { id: string; name?: string }, channelId?: string) {
  const reply = await h.client.slashCommand({
    command: '/reelbot',
    text,
    person,
    ...(channelId ? { channelId } : {}),
  });
  return reply.json as { response_type: string; text: string };
}

describe('/reelbot settings on Slack', () => {
  it('is for workspace admins and owners only', async () => {
    const refused = await reelbot('settings set maxJobs 1', member);
    expect(refused).toEqual({
      response_type: 'ephemeral',
      text: 'Only workspace admins and owners can change reelbot settings.',
    });
    expect((await h.service.usage) !== undefined).toBe(true);
    expect(await h.botDeps.rules!.listAudit(team())).toEqual([]);
  });

  it('keeps the workspace to its allowed models: the chooser offers only them, and another is refused before any prediction', async () => {
    const set = await reelbot('settings set allowedModels minimax/video-01', admin);
    expect(set.text).toBe('Allowed models is now minimax/video-01 (was default).');
    expect(await h.botDeps.rules!.listAudit(team())).toMatchObject([
      { key: 'allowedModels', oldValue: undefined, newValue: ['minimax/video-01'], userId: admin.id },
    ]);

    const person = { id: 'U0SETMEM2' };
    const form = await openModelForm(h, {
      command: '/video',
      text: 'a lighthouse',
      model: 'tencent/hunyuan-video',
      person,
    });
    const suggestions = await h.client.blockSuggestion({
      view: h.slack.viewPayload(form.viewId),
      actionId: 'model',
      value: '',
    });
    expect((suggestions.json.options as { value: string }[]).map((o) => o.value)).toEqual([
      'minimax/video-01',
    ]);

    const before = h.replicate.state.predictions.predictions.size;
    const refused = await h.client.viewSubmission({ view: h.slack.viewPayload(form.viewId), person });
    expect(refused.json.response_action).toBe('errors');
    expect(JSON.stringify(refused.json.errors)).toContain(
      'The model tencent/hunyuan-video is not allowed here. Allowed: minimax/video-01.',
    );
    expect(h.replicate.state.predictions.predictions.size).toBe(before);
  });

  it('opens forms only in the channels the workspace gave the bot', async () => {
    expect((await reelbot('settings set channels <#C0VIDEOS|videos>', admin)).text).toBe(
      'Channels where reelbot answers is now <#C0VIDEOS> (was default).',
    );
    const elsewhere = await h.client.slashCommand({ command: '/video', text: 'a calm sea', person: member });
    expect(elsewhere.json).toMatchObject({
      response_type: 'ephemeral',
      text: 'reelbot answers in <#C0VIDEOS> here.',
    });
    const show = await reelbot('settings show', admin);
    expect(show.text).toContain('Channels where reelbot answers (`channels`): <#C0VIDEOS>\n');
  });
});
