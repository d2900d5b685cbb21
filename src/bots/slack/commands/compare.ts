import type { App, webApi } from '@slack/bolt';
import { truncate } from '../../../core/forms/text.js';
import { type GroupService, maxGroupSize } from '../../../core/generations/groups/group-service.js';
import type { ServerRules } from '../../../core/generations/server-rules.js';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import { decodeContext, encodeContext, type ModalContext } from '../metadata.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { SlackGroupMessages } from '../status/group-message.js';
import type { StatusRef } from '../status/status-ref.js';

/** The callback id of the compare modal. */
export const compareCallbackId = 'reelbot_compare';
/** Block ids of the compare modal's two inputs. */
export const compareBlocks = { prompt: 'compare_prompt', models: 'compare_models' } as const;

/** Slack shows at most 100 options in a static select. */
const maxOptions = 100;

export interface CompareDeps {
  groups: GroupService;
  groupMessages: SlackGroupMessages;
  catalog: Pick<Catalog, 'search'>;
  rules?: ServerRules;
  logger: Logger;
}

/** The compare modal: a prompt and a multi-select of 2–4 of the models this workspace allows. */
export function compareView(context: ModalContext, models: string[]) {
  return {
    type: 'modal' as const,
    callback_id: compareCallbackId,
    private_metadata: encodeContext(context),
    title: { type: 'plain_text' as const, text: 'Compare models' },
    submit: { type: 'plain_text' as const, text: 'Compare' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input' as const,
        block_id: compareBlocks.prompt,
        label: { type: 'plain_text' as const, text: 'Prompt' },
        element: {
          type: 'plain_text_input' as const,
          action_id: 'prompt',
          multiline: true,
          ...(context.prompt ? { initial_value: truncate(context.prompt, 3000) } : {}),
        },
      },
      {
        type: 'input' as const,
        block_id: compareBlocks.models,
        label: { type: 'plain_text' as const, text: `Models (2 to ${maxGroupSize})` },
        hint: {
          type: 'plain_text' as const,
          text: 'One prompt and one seed on each; the clips end side by side.',
        },
        element: {
          type: 'multi_static_select' as const,
          action_id: 'models',
          max_selected_items: maxGroupSize,
          placeholder: { type: 'plain_text' as const, text: 'Pick models' },
          options: models.slice(0, maxOptions).map((ref) => ({
            text: { type: 'plain_text' as const, text: truncate(ref, 75) },
            value: ref,
          })),
        },
      },
    ],
  };
}

/** Text-to-video models this workspace may use, for the compare modal's choices. */
async function allowedModels(deps: CompareDeps, teamId: string | undefined): Promise<string[]> {
  const allowed = (await deps.rules?.allows({ platform: 'slack', workspaceId: teamId })) ?? (() => true);
  const found = await deps.catalog.search('', { collection: 'text-to-video', limit: maxOptions });
  return found.map((model) => model.ref).filter(allowed);
}

/** `/reelbot compare [prompt]`: opens the compare modal with the trigger id (it lives 3 s). */
export async function openCompare(
  deps: CompareDeps,
  client: webApi.WebClient,
  command: { trigger_id: string; channel_id: string; user_id: string; team_id?: string; prompt?: string },
): Promise<void> {
  const context: ModalContext = {
    channelId: command.channel_id,
    userId: command.user_id,
    teamId: command.team_id,
    prompt: command.prompt,
  };
  const models = await allowedModels(deps, command.team_id);
  await client.views.open({ trigger_id: command.trigger_id, view: compareView(context, models) });
}

type Values = Record<
  string,
  Record<string, { value?: string | null; selected_options?: { value: string }[] }>
>;

/**
 * The compare modal's submit: fewer than two models go back as an error on the block; otherwise
 * the modal closes, one message is posted in the channel, and the group starts with it as its
 * message (filled in as the clips finish, the grid uploaded into its thread).
 */
export function registerCompare(app: App, deps: CompareDeps) {
  app.view(compareCallbackId, async ({ ack, body, view, client }) => {
    const context = decodeContext(view.private_metadata);
    const values = view.state.values as Values;
    const prompt = values[compareBlocks.prompt]?.prompt?.value?.trim() ?? '';
    const models = (values[compareBlocks.models]?.models?.selected_options ?? []).map((o) => o.value);
    if (!context)
      return ack({
        response_action: 'errors',
        errors: { [compareBlocks.prompt]: 'This form is out of date; run /reelbot compare again.' },
      });
    if (!prompt)
      return ack({ response_action: 'errors', errors: { [compareBlocks.prompt]: 'Write a prompt.' } });
    if (models.length < 2 || models.length > maxGroupSize)
      return ack({
        response_action: 'errors',
        errors: { [compareBlocks.models]: `Pick 2 to ${maxGroupSize} models.` },
      });
    await ack();
    const teamId = body.team?.id ?? context.teamId;
    const posted = await client.chat.postMessage({
      channel: context.channelId,
      text: `Compare ${models.length} models: starting…`,
    });
    const ref: StatusRef = {
      platform: 'slack',
      channel: posted.channel ?? context.channelId,
      ts: posted.ts!,
      teamId,
    };
    try {
      const started = await deps.groups.start({
        kind: 'compare',
        requester: slackRequester({
          userId: body.user.id,
          userName: body.user.name,
          teamId,
          channelId: context.channelId,
        }),
        prompt,
        models,
        messageRef: { ...ref },
      });
      deps.logger.info(
        { groupId: started.group.id, members: started.members.length, user: body.user.id },
        'Slack group started',
      );
      const now = await deps.groups.current(started.group.id);
      if (now) deps.groupMessages.handle(now);
    } catch (error) {
      deps.logger.info({ err: error, code: errorCodeOf(error) }, 'Slack compare refused');
      await client.chat.update({
        channel: ref.channel,
        ts: ref.ts,
        text: `I could not start the comparison: ${plainWords(error)}`,
      });
    }
  });
}
