import type { RepliableInteraction } from 'discord.js';
import { ReelbotError, ValidationError } from '../../core/errors.js';
import type { GroupRequest, GroupStart } from '../../core/generations/groups/group-service.js';
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
 * that refusal, which the router tells the person privately; a `ValidationError` goes to
 * `onInvalid` when given (a batch's form offered again), as a single generation's does.
 */
export async function startGroup(
  interaction: RepliableInteraction,
  ctx: BotContext,
  request: Pick<GroupRequest, 'kind' | 'prompt' | 'models' | 'count' | 'values' | 'attachments'>,
  onInvalid?: (error: ValidationError) => Promise<void>,
): Promise<GroupStart | undefined> {
  if (!ctx.groups || !ctx.groupMessages) throw noGroups();
  const messageId = await deferPublicly(interaction);
  const ref = messageRefOf(interaction, messageId);
  let started: GroupStart;
  try {
    started = await ctx.groups.start({
      ...request,
      requester: requesterOf(interaction),
      messageRef: { ...ref },
    });
  } catch (error) {
    if (error instanceof ValidationError && onInvalid) {
      await onInvalid(error);
      return undefined;
    }
    throw error;
  }
  ctx.logger.info(
    {
      groupId: started.group.id,
      kind: request.kind,
      members: started.members.length,
      user: interaction.user.id,
    },
    'Discord group started',
  );
  const now = await ctx.groups.current(started.group.id);
  if (now) ctx.groupMessages.handle(now);
  return started;
}
