import { truncate } from '../../../core/forms/text.js';
import type { CatalogModelWithFields } from '../../../core/replicate/catalog.js';
import { imageFields } from '../../../core/replicate/schema.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import { buildSlackModal, planSlackForm, type SlackModalView, slackViewLimits } from '../form/index.js';
import { encodeContext, type ModalContext } from '../metadata.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { batchCountBlock, batchCountBlockId } from './batch.js';

/** The callback id of every reelbot modal; its submit starts a generation. */
export const videoCallbackId = 'reelbot_generate';
/** The Back and Next buttons of a form split over several views; the block holding them. */
export const formBackActionId = 'reelbot_form_back';
export const formNextActionId = 'reelbot_form_next';
export const formPagesBlockId = 'reelbot_form_pages';

function titleOf(context: ModalContext): string {
  return context.collection === 'image-to-video' ? 'Animate an image' : 'Make a video';
}

/** Adds a line of context under the chooser, while the view has room for it. */
function withNote(view: SlackModalView, text: string, at = view.blocks.length): SlackModalView {
  if (view.blocks.length >= slackViewLimits.blocks) return view;
  const blocks = [...view.blocks];
  blocks.splice(at, 0, { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 2000) }] });
  return { ...view, blocks };
}

/**
 * The modal as it opens: the model chooser alone, so it can be opened within the 3 s a
 * trigger_id lives without waiting for any schema.
 */
export function openingView(context: ModalContext): SlackModalView {
  const view = buildSlackModal(context.model, [], {
    privateMetadata: encodeContext(context),
    title: titleOf(context),
    callbackId: videoCallbackId,
  });
  let note = 'Pick a model: its form appears here.';
  if (context.model) note = `Loading the form of *${escapeMrkdwn(context.model)}*…`;
  else if (context.fileIds?.length) note = 'Pick a model to animate the image from the message.';
  return withNote(view, note);
}

/**
 * An image shared from a message fills the first image input, so that input may stay empty in
 * the form (a required file_input would block the submit).
 */
function relaxSharedImage(fields: Field[], context: ModalContext): Field[] {
  if (context.originId) return keepImages(fields);
  if (!context.fileIds?.length) return fields;
  const first = imageFields(fields)[0];
  if (!first) return fields;
  return fields.map((field) =>
    field === first
      ? { ...field, required: false, description: 'Leave empty to use the image from the message.' }
      : field,
  );
}

/** Edit & re-run: every image input may stay empty, which keeps the image the video was made with. */
function keepImages(fields: Field[]): Field[] {
  const images = new Set(imageFields(fields));
  return fields.map((field) =>
    images.has(field)
      ? { ...field, required: false, description: 'Leave empty to keep the same image, or upload a new one.' }
      : field,
  );
}

/** The form of a chosen model, keeping what the person typed so far. */
export function formView(
  context: ModalContext,
  detail: CatalogModelWithFields,
  initialValues: Record<string, string | undefined>,
  options: { batch?: boolean } = {},
): SlackModalView {
  const next = { ...context, model: detail.model.ref };
  const fields = relaxSharedImage(detail.fields, context);
  const pages = planSlackForm(fields).pages.length;
  const page = Math.min(context.page ?? 0, Math.max(pages - 1, 0));
  let view = buildSlackModal(detail.model, fields, {
    privateMetadata: encodeContext({ ...next, page }),
    title: titleOf(context),
    callbackId: videoCallbackId,
    initialValues,
    page,
  });
  // A batch is asked for on the first page, under the model's inputs; Edit & re-run makes one video.
  if (options.batch && page === 0 && !context.originId && view.blocks.length < slackViewLimits.blocks - 1)
    view = { ...view, blocks: [...view.blocks, batchCountBlock(initialValues[batchCountBlockId])] };
  if (pages > 1) view = { ...view, blocks: [...view.blocks, pageButtons(page, pages)] };
  const description = detail.model.description.trim();
  return description && page === 0 ? withNote(view, escapeMrkdwn(truncate(description, 300)), 1) : view;
}

/** Back and Next under a page of a form split over several views; Generate works on every page. */
function pageButtons(page: number, pages: number): SlackModalView['blocks'][number] {
  const elements: Record<string, unknown>[] = [];
  if (page > 0)
    elements.push({
      type: 'button',
      action_id: formBackActionId,
      text: { type: 'plain_text', text: `‹ Back to page ${page}` },
      value: String(page - 1),
    });
  if (page < pages - 1)
    elements.push({
      type: 'button',
      action_id: formNextActionId,
      text: { type: 'plain_text', text: `Next: page ${page + 2} of ${pages} ›` },
      value: String(page + 1),
    });
  return {
    type: 'actions',
    block_id: formPagesBlockId,
    elements,
  } as unknown as SlackModalView['blocks'][number];
}

/** The chooser with a sentence saying why the chosen model's form cannot be shown. */
export function modelErrorView(context: ModalContext, message: string): SlackModalView {
  const view = buildSlackModal(undefined, [], {
    privateMetadata: encodeContext({ ...context, model: undefined }),
    title: titleOf(context),
    callbackId: videoCallbackId,
  });
  return withNote(view, `⚠️ ${escapeMrkdwn(message)} Pick another model.`);
}
