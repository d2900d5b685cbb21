import type { App, webApi } from '@slack/bolt';
import { withFieldLabels } from '../../../core/forms/plan.js';
import type { GroupStart } from '../../../core/generations/groups/group-service.js';
import type { AttachmentInput, GenerationService } from '../../../core/generations/service-types.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import { type Timers, within } from '../../../core/timers.js';
import {
  modelFromOption,
  parseSlackViewState,
  type SlackStateValues,
  selectedSlackModel,
  slackModelBlockId,
  slackViewFiles,
} from '../form/index.js';
import { decodeContext, type ModalContext } from '../metadata.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import type { PostStatus } from '../status/post-status.js';
import { postBatchMessage, type SlackBatchDeps, takeBatchCount } from './batch.js';
import { blockErrorsOf } from './block-errors.js';
import { keptImages } from './edit.js';
import type { PageDrafts } from './form-pages.js';
import { slackAttachments } from './slack-files.js';
import { videoCallbackId } from './views.js';

/** What a submit started: one generation, or a batch of them (a group). */
type Started = { generation: Generation } | { batch: GroupStart };
type Outcome = { done: true; started: Started } | { done: true; error: unknown } | { done: false };

/** Waits for `promise` at most `ms`; a slower one keeps running and is handled by the caller. */
async function outcomeWithin(promise: Promise<Started>, ms: number, timers: Timers): Promise<Outcome> {
  const settled = promise.then(
    (started): Outcome => ({ done: true, started }),
    (error: unknown): Outcome => ({ done: true, error }),
  );
  return (await within(settled, ms, timers)) ?? { done: false };
}

/** The input blocks of a view, by block id (a field's name), with the label each shows. */
function inputLabels(view: { blocks?: unknown[] }): Map<string, string> {
  const labels = new Map<string, string>();
  for (const block of (view.blocks ?? []) as {
    type?: string;
    block_id?: string;
    label?: { text?: string };
  }[])
    if (block.type === 'input' && block.block_id)
      labels.set(block.block_id, block.label?.text ?? block.block_id);
  return labels;
}

/**
 * The modal's submit. Bad values go back as `response_action: errors` on the blocks of their
 * fields while the modal is still open; otherwise the modal closes and a status message is posted
 * in the channel the command came from (carried in private_metadata). The service gets at most
 * `deadlineMs` before the modal closes, as Slack wants an answer within 3 s; a later refusal goes
 * to the person as an ephemeral message.
 */
export function registerSubmit(
  app: App,
  deps: {
    service: GenerationService;
    /** The pages of a multi-page form not on screen at the submit. */
    drafts?: PageDrafts;
    /** For Edit & re-run: the model's fields, to keep the original's images. */
    catalog?: Pick<Catalog, 'getModel'>;
    postStatus: PostStatus;
    /** Batches ("How many videos" above 1), when the process has a group service. */
    batch?: SlackBatchDeps;
    botToken: string;
    deadlineMs: number;
    timers: Timers;
    logger: Logger;
  },
) {
  async function tellPerson(client: webApi.WebClient, context: ModalContext, text: string) {
    try {
      await client.chat.postEphemeral({ channel: context.channelId, user: context.userId, text });
    } catch {
      // Not in the channel: the person's messages with the app still reach them.
      await client.chat.postMessage({ channel: context.userId, text }).catch((error: unknown) => {
        deps.logger.warn({ err: error, code: errorCodeOf(error) }, 'could not tell the person in Slack');
      });
    }
  }

  async function attachmentsOf(
    client: webApi.WebClient,
    context: ModalContext,
    files: Record<string, { id: string }[]>,
  ): Promise<AttachmentInput[]> {
    const attachments: AttachmentInput[] = [];
    for (const [field, list] of Object.entries(files)) {
      const ids = list.map((file) => file.id);
      attachments.push(...(await slackAttachments(client, deps.botToken, ids, field)));
    }
    // The image of a shared message fills the first image input nobody attached a file to.
    if (attachments.length === 0 && context.fileIds?.length)
      attachments.push(...(await slackAttachments(client, deps.botToken, context.fileIds.slice(0, 1))));
    return attachments;
  }

  app.view(videoCallbackId, async ({ ack, body, view, client }) => {
    const context = decodeContext(view.private_metadata);
    const values = view.state.values as SlackStateValues;
    const labels = inputLabels(view);
    const selected = selectedSlackModel(values);
    const model = selected === undefined ? context?.model : modelFromOption(selected, [context?.model]);
    if (!context || !model) {
      return ack({
        response_action: 'errors',
        errors: {
          [slackModelBlockId]: context
            ? 'Pick a model first.'
            : 'This form is out of date; run /video again.',
        },
      });
    }
    const draft = deps.drafts?.get(view.id, model);
    const raw = { ...draft?.values, ...parseSlackViewState(values) };
    const files = { ...draft?.files, ...slackViewFiles(values) };
    // The files travel as attachments; their ids are no model input.
    for (const field of Object.keys(files)) delete raw[field];
    const imageBlock = Object.keys(files)[0];
    const count = takeBatchCount(raw);

    // The deadline covers reading the files too: Slack's 3 s run from the submit, not from start.
    const requester = slackRequester({
      userId: body.user.id,
      userName: body.user.name,
      teamId: body.team?.id ?? context.teamId,
      channelId: context.channelId,
    });
    const started = attachmentsOf(client, context, files).then(async (attachments): Promise<Started> => {
      // The group's message is posted once the modal closes; its ref is kept then.
      if (count > 1 && deps.batch)
        return {
          batch: await deps.batch.groups.start({
            kind: 'batch',
            requester,
            models: [model],
            count,
            values: raw,
            attachments,
          }),
        };
      const origin = context.originId ? await deps.service.get(context.originId) : undefined;
      if (origin && deps.catalog) {
        const detail = await deps.catalog.getModel(model);
        Object.assign(raw, keptImages(detail.fields, origin, files));
      }
      const generation = await deps.service.start({
        requester,
        model,
        values: raw,
        attachments,
        ...(origin ? { origin: { kind: 'edit' as const, generationId: origin.id } } : {}),
      });
      return { generation };
    });
    const outcome = await outcomeWithin(started, deps.deadlineMs, deps.timers);
    if (outcome.done && 'error' in outcome) {
      deps.logger.info(
        { err: outcome.error, code: errorCodeOf(outcome.error), model },
        'Slack submit refused',
      );
      const told = withFieldLabels(outcome.error, (name) => labels.get(name));
      return ack({
        response_action: 'errors',
        errors: blockErrorsOf(told, new Set(labels.keys()), imageBlock),
      });
    }
    await ack();
    deps.drafts?.forget(view.id);
    let result: Started;
    if (outcome.done) result = outcome.started;
    else {
      try {
        result = await started;
      } catch (error) {
        deps.logger.info(
          { err: error, code: errorCodeOf(error), model },
          'Slack submit refused after the modal closed',
        );
        return tellPerson(client, context, `I could not start your video: ${plainWords(error)}`);
      }
    }
    if ('batch' in result) {
      if (deps.batch) await postBatchMessage(deps.batch, client, result.batch, context);
      return;
    }
    await deps.postStatus(result.generation, {
      channelId: context.channelId,
      userId: context.userId,
      teamId: context.teamId,
    });
  });
}
