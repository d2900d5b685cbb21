import type { App, MessageShortcut, webApi } from '@slack/bolt';
import type { Logger } from '../../../core/logger.js';
import type { CatalogCollection } from '../../../core/replicate/catalog.js';
import type { ModalContext } from '../metadata.js';
import { asView, type ShowModelForm } from '../modal/model-form.js';
import { isImageFile, type SlackFileInfo } from '../modal/slack-files.js';
import { openingView } from '../modal/views.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';

/** The callback id of the "Animate this image" message shortcut, as set in the Slack app. */
export const animateShortcutId = 'animate_image';

const modelRef = /^[\w.-]+\/[\w.-]+$/;

/** `/video owner/name a cat` names a model first; anything else is the prompt. */
export function parseCommandText(text: string): { model?: string; prompt?: string } {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  if (modelRef.test(first)) return { model: first, prompt: rest.join(' ') || undefined };
  return { prompt: trimmed || undefined };
}

type Reply = (message: { response_type: 'ephemeral'; text: string }) => Promise<unknown>;

/**
 * Opens the modal at once with the trigger_id (it lives 3 s), showing the model chooser; when the
 * command named a model, its form follows with `views.update`.
 */
async function openModal(
  deps: { showModelForm: ShowModelForm; logger: Logger },
  client: webApi.WebClient,
  triggerId: string,
  context: ModalContext,
  reply: Reply,
) {
  try {
    const opened = await client.views.open({ trigger_id: triggerId, view: asView(openingView(context)) });
    if (context.model && opened.view?.id)
      await deps.showModelForm({
        client,
        view: { id: opened.view.id, hash: opened.view.hash },
        context,
        model: context.model,
      });
  } catch (error) {
    deps.logger.warn({ err: error, code: errorCodeOf(error) }, 'could not open the Slack modal');
    await reply({ response_type: 'ephemeral', text: plainWords(error) });
  }
}

/** `/video`, `/animate` and the "Animate this image" message shortcut: all open the same modal. */
export function registerModalCommands(
  app: App,
  deps: {
    showModelForm: ShowModelForm;
    logger: Logger;
    scopeProblem: () => string | undefined;
    /**
     * Why this person may not start a video here today (a used-up quota, a channel the workspace
     * did not open to the bot), before the form is filled in.
     */
    quotaProblem: (person: {
      userId: string;
      teamId?: string;
      channelId?: string;
    }) => Promise<string | undefined>;
  },
) {
  const command = (name: string, collection?: CatalogCollection) =>
    app.command(name, async ({ command, ack, client, respond }) => {
      const problem =
        deps.scopeProblem() ??
        (await deps.quotaProblem({
          userId: command.user_id,
          teamId: command.team_id,
          channelId: command.channel_id,
        }));
      if (problem) return ack({ response_type: 'ephemeral', text: problem });
      await ack();
      const parsed = parseCommandText(command.text);
      const context: ModalContext = {
        channelId: command.channel_id,
        userId: command.user_id,
        teamId: command.team_id,
        collection,
        ...parsed,
      };
      await openModal(deps, client, command.trigger_id, context, respond);
    });
  command('/video');
  command('/animate', 'image-to-video');

  app.shortcut<MessageShortcut>(
    { callback_id: animateShortcutId, type: 'message_action' },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      const files = ((shortcut.message as { files?: SlackFileInfo[] }).files ?? []).filter(isImageFile);
      if (files.length === 0) {
        await respond({
          response_type: 'ephemeral',
          text: 'That message has no image I can animate. Use *Animate this image* on a message with a JPEG, PNG, GIF or WebP.',
        });
        return;
      }
      const problem =
        deps.scopeProblem() ??
        (await deps.quotaProblem({
          userId: shortcut.user.id,
          teamId: shortcut.team?.id,
          channelId: shortcut.channel.id,
        }));
      if (problem) return void (await respond({ response_type: 'ephemeral', text: problem }));
      const context: ModalContext = {
        channelId: shortcut.channel.id,
        userId: shortcut.user.id,
        teamId: shortcut.team?.id,
        collection: 'image-to-video',
        fileIds: files.map((file) => file.id),
        prompt: shortcut.message.text?.trim() || undefined,
      };
      await openModal(deps, client, shortcut.trigger_id, context, respond);
    },
  );
}
