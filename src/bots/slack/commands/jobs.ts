import type { types } from '@slack/bolt';
import { truncate } from '../../../core/forms/text.js';
import type { GenerationStore } from '../../../core/generations/generation-store.js';
import { describeGeneration } from '../../../core/generations/status-text.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { cancelActionId } from '../status/render.js';

/** A message holds 50 blocks: a heading, then a section and its Cancel button per job. */
const maxJobs = 24;

/** An ephemeral reply: its text and blocks. */
export interface JobsReply {
  text: string;
  blocks?: types.KnownBlock[];
}

/**
 * `/reelbot jobs`: the person's running and queued jobs on Slack, each with a Cancel button (the
 * status message's own Cancel action, so the service checks ownership the same way).
 */
export async function jobsReply(
  deps: { store?: Pick<GenerationStore, 'list'>; clock: () => number },
  command: { user_id: string },
): Promise<JobsReply> {
  if (!deps.store) return { text: 'The list of jobs is not available on this reelbot.' };
  const { items } = await deps.store.list(
    { userId: command.user_id, platform: 'slack', status: 'running' },
    { limit: maxJobs },
  );
  if (items.length === 0) return { text: 'You have no running or queued jobs.' };
  const now = deps.clock();
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*Your running and queued jobs (${items.length})*` } },
  ];
  for (const generation of items) {
    const view = describeGeneration(generation, { now });
    const prompt = generation.prompt ? ` · “${escapeMrkdwn(truncate(generation.prompt, 120))}”` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `\`${escapeMrkdwn(generation.model)}\`${prompt}\n${escapeMrkdwn(view.headline)}`,
          3000,
        ),
      },
    });
    blocks.push({
      type: 'actions',
      block_id: `reelbot_job_${generation.id}`,
      elements: [
        {
          type: 'button',
          action_id: cancelActionId,
          text: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
          value: generation.id,
        },
      ],
    });
  }
  return { text: `You have ${items.length} running or queued job(s).`, blocks };
}
