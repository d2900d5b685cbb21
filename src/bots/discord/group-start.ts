import type { RepliableInteraction } from 'discord.js';
import { ReelbotError } from '../../core/errors.js';
import type { GroupRequest } from '../../core/generations/groups/group-service.js';
import type { BotContext } from './context.js';
import { requesterOf } from './generation-start.js';
import { deferPublicly } from './reply.js';
import { messageRefOf } from './status/status-ref.js';

/** The refusal when this bot was built without groups (a test harness, an old wiring). */
function noGroups(): ReelbotError {
  return new ReelbotError('GROUPS_UNAVAILABLE', 'this bot has no group service', {
    userMessage: 'Comparing models and batches are not available on this reelbot.',
  });
}

/**
 * Defers with a public message, starts a group (compare or batch) whose one message it is, and
 * shows its first state: each clip, and the clips that were refused. Refusing every clip throws
 * that refusal, which the router tells the person privately.
 */
export async function startGroup(
  interaction: RepliableInteraction,
  ctx: BotContext,
  request: Pick<GroupRequest, 'kind' | 'prompt' | 'models' | 'count'>,
): Promise<void> {
  if (!ctx.groups || !ctx.groupMessages) throw noGroups();
  const messageId = await deferPublicly(interaction);
  const ref = messageRefOf(interaction, messageId);
  const started = await ctx.groups.start({
    ...request,
    requester: requesterOf(interaction),
    messageRef: { ...ref },
  });
  ctx.logger.info(
    {
      groupId: started.group.id,
      kind: request.kind,
      members: started.members.length,
      user: interaction.user.id,
    },
    'Discord group started',
  );
  const now = await ctx.groups.get(started.group.id);
  if (now) ctx.groupMessages.handle({ type: now.group.status === 'running' ? 'member' : 'finished', ...now });
}
