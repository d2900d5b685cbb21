import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NotFoundError, ReelbotError } from '../../../core/errors.js';
import { formValuesOf } from '../../../core/generations/edit-values.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import { imageFields } from '../../../core/replicate/schema.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import type { ModalContext } from '../metadata.js';
import { slackRequester } from '../requester.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { editActionId } from '../status/render.js';
import { placeOfPress } from '../status/reroll.js';
import { asInitialValues, type PageDrafts } from './form-pages.js';
import { asView } from './model-form.js';
import { formView } from './views.js';

/**
 * The images an edited form keeps: for every image input left empty, the image the original video
 * was made with (as the URL it was given with, which the core takes as it is).
 */
export function keptImages(
  fields: Field[],
  origin: Pick<Generation, 'input'>,
  uploaded: Record<string, unknown>,
): Record<string, string> {
  const previous = formValuesOf(fields, origin);
  const kept: Record<string, string> = {};
  for (const field of imageFields(fields)) {
    const value = previous[field.name];
    if (uploaded[field.name] === undefined && typeof value === 'string') kept[field.name] = value;
  }
  return kept;
}

/**
 * Edit & re-run: the Edit button of a finished model video opens the model's Slack form with
 * everything the video was made with filled in (the prompt, every parameter; each image kept unless
 * a new one is uploaded). The form's submit (submit.ts) starts a new generation whose origin is
 * this one.
 */
export function registerEdit(
  app: App,
  deps: {
    service: Pick<GenerationService, 'get' | 'checkQuota'>;
    catalog: Pick<Catalog, 'getModel'>;
    /** A form of several pages fills its other pages from here. */
    drafts?: PageDrafts;
    logger: Logger;
  },
) {
  app.action<BlockAction<ButtonAction>>(editActionId, async ({ ack, body, action, respond, client }) => {
    await ack();
    const generationId = action.value ?? '';
    try {
      const generation = await deps.service.get(generationId);
      if (!generation) throw new NotFoundError('generation', generationId);
      if (generation.source !== 'replicate')
        throw new ReelbotError('EDIT_NOT_A_MODEL', `${generationId} is a simulation`, {
          userMessage:
            'Only a video made with a model has a form to edit. Use Re-roll or the Scene button instead.',
        });
      // As before any form: a person past a daily quota is told before filling it in.
      await deps.service.checkQuota(slackRequester({ ...placeOfPress(body), userName: body.user.name }));
      const detail = await deps.catalog.getModel(generation.model);
      const context: ModalContext = {
        ...placeOfPress(body),
        model: detail.model.ref,
        originId: generation.id,
      };
      const values = formValuesOf(detail.fields, generation);
      const view = formView(context, detail, asInitialValues(values));
      const opened = await client.views.open({ trigger_id: body.trigger_id, view: asView(view) });
      // Images are kept by the submit (keptImages), not as typed values.
      for (const field of imageFields(detail.fields)) delete values[field.name];
      if (opened.view?.id) deps.drafts?.keep(opened.view.id, detail.model.ref, values, {});
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack edit refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
