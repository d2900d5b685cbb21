import type { App, webApi } from '@slack/bolt';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { VideoChoices } from '../../../core/generations/video-choices.js';
import type { Logger } from '../../../core/logger.js';
import { realTimers, type Timers, within } from '../../../core/timers.js';
import { type SlackStateValues, slackViewFiles } from '../form/index.js';
import { slackAttachments } from '../modal/slack-files.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus } from '../status/post-status.js';

/**
 * A slash command carries no file, so `/simulate scene` (or `/simulate file`) opens a modal with a
 * Slack `file_input` for the scene JSON: the file the Scene button gave, edited. It is read and
 * checked by the service exactly as a `--scene` file or a Discord attachment, so a bad one is
 * refused on the file's block with the same path-named problems (`objects[3].size[1] must be > 0`).
 */
export const sceneModalCallbackId = 'reelbot_simulate_scene';
/** The block of the file input, where a refused file's problems are shown. */
export const sceneFileBlockId = 'scene_file';
/** The block of the optional title, which becomes the generation's prompt. */
export const sceneTitleBlockId = 'scene_title';

/** The words after `/simulate` that ask for the scene-file modal rather than a sentence. */
export function wantsSceneFile(prompt: string): boolean {
  return /^(scene|file|scene file|json)$/i.test(prompt.trim());
}

/** What the modal carries from the command to its submit (Slack gives a submit no channel). */
interface SceneModalContext {
  channelId: string;
  userId: string;
  teamId?: string;
  video: VideoChoices;
  seed?: number;
}

/** The modal `/simulate scene` opens: one JSON file, and a title for the gallery. */
export function sceneModal(context: SceneModalContext) {
  return {
    type: 'modal' as const,
    callback_id: sceneModalCallbackId,
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text' as const, text: 'Simulate a scene file' },
    submit: { type: 'plain_text' as const, text: 'Simulate' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: sceneFileBlockId,
        label: { type: 'plain_text', text: 'Scene JSON' },
        hint: {
          type: 'plain_text',
          text: 'The .json file the Scene button gives under a simulation, edited as you like.',
        },
        element: { type: 'file_input', action_id: 'file', filetypes: ['json', 'text'], max_files: 1 },
      },
      {
        type: 'input',
        block_id: sceneTitleBlockId,
        optional: true,
        label: { type: 'plain_text', text: 'Title' },
        element: {
          type: 'plain_text_input',
          action_id: 'title',
          max_length: 200,
          placeholder: { type: 'plain_text', text: 'What the scene shows (for the gallery)' },
        },
      },
    ],
  };
}

function readContext(text: string | undefined): SceneModalContext | undefined {
  try {
    const raw = JSON.parse(text ?? '') as SceneModalContext;
    return typeof raw.channelId === 'string' && typeof raw.userId === 'string' ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Opens the scene-file modal for a `/simulate scene` command. */
export async function openSceneModal(
  client: webApi.WebClient,
  triggerId: string,
  context: SceneModalContext,
): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: sceneModal(context) });
}

/**
 * The scene modal's submit: the file is fetched with the bot token and handed to
 * `service.simulate` as the scene file. A refusal within `deadlineMs` goes back on the file's
 * block with the modal still open; a later one to the person as an ephemeral message.
 */
export function registerSceneSubmit(
  app: App,
  deps: {
    service: GenerationService;
    postStatus: PostStatus;
    botToken: string;
    logger: Logger;
    deadlineMs?: number;
    timers?: Timers;
  },
) {
  app.view(sceneModalCallbackId, async ({ ack, body, view, client }) => {
    const context = readContext(view.private_metadata);
    const values = view.state.values as SlackStateValues;
    const fileId = slackViewFiles(values)[sceneFileBlockId]?.[0]?.id;
    if (!context || !fileId || !deps.service.simulate)
      return ack({
        response_action: 'errors',
        errors: {
          [sceneFileBlockId]: !context
            ? 'This form is out of date; run /simulate scene again.'
            : 'Attach the scene .json file.',
        },
      });
    const title = values[sceneTitleBlockId]?.title?.value;
    const simulate = deps.service.simulate.bind(deps.service);
    const started = slackAttachments(client, deps.botToken, [fileId]).then(([sceneFile]) =>
      simulate({
        requester: slackRequester({
          userId: body.user.id,
          userName: body.user.name,
          teamId: body.team?.id ?? context.teamId,
          channelId: context.channelId,
        }),
        prompt: typeof title === 'string' ? title : '',
        ...(sceneFile ? { sceneFile } : {}),
        ...(context.seed !== undefined ? { seed: context.seed } : {}),
        video: context.video,
      }),
    );
    const settled = started.then(
      (generation) => ({ generation }),
      (error: unknown) => ({ error }),
    );
    const outcome = await within(settled, deps.deadlineMs ?? 2000, deps.timers ?? realTimers);
    if (outcome && 'error' in outcome) {
      deps.logger.info({ err: outcome.error, code: errorCodeOf(outcome.error) }, 'Slack scene file refused');
      return ack({ response_action: 'errors', errors: { [sceneFileBlockId]: plainWords(outcome.error) } });
    }
    await ack();
    const result = outcome ?? (await settled);
    if ('error' in result) {
      deps.logger.info(
        { err: result.error, code: errorCodeOf(result.error) },
        'Slack scene file refused late',
      );
      await client.chat
        .postEphemeral({
          channel: context.channelId,
          user: context.userId,
          text: `I could not simulate your scene: ${plainWords(result.error)}`,
        })
        .catch(() => undefined);
      return;
    }
    await deps.postStatus(result.generation, {
      channelId: context.channelId,
      userId: context.userId,
      teamId: context.teamId,
    });
  });
}
