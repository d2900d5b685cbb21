import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NotFoundError, ReelbotError } from '../../../core/errors.js';
import { formValuesOf } from '../../../core/generations/edit-values.js';
import type { GenerationService } from '../../../core/generations/service-types.js';
import type { Generation } from '../../../core/generations/types.js';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import type { RawValue } from '../../../core/replicate/coerce.js';
import { imageFields } from '../../../core/replicate/schema.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import type { ModalContext } from '../metadata.js';
import { errorCodeOf, plainWords } from '../slack-errors.js';
import { editActionId } from '../status/render.js';
import { placeOfPress } from '../status/reroll.js';
import { asView } from './model-form.js';
import { formView } from './views.js';

/** Form values as the Slack form pre-fills them: lists one item a line, booleans as `true`/`false`. */
function asInitialValues(values: Record<string, RawValue>): Record<string, string | undefined> {
  const initial: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) initial[name] = value.join('\n');
    else if (value !== undefined) initial[name] = String(value);
  }
  return initial;
}

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
  deps: { service: Pick<GenerationService, 'get'>; catalog: Pick<Catalog, 'getModel'>; logger: Logger },
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
      const detail = await deps.catalog.getModel(generation.model);
      const context: ModalContext = {
        ...placeOfPress(body),
        model: detail.model.ref,
        originId: generation.id,
      };
      const view = formView(context, detail, asInitialValues(formValuesOf(detail.fields, generation)));
      await client.views.open({ trigger_id: body.trigger_id, view: asView(view) });
    } catch (error) {
      deps.logger.info({ err: error, generationId, code: errorCodeOf(error) }, 'Slack edit refused');
      await respond({ response_type: 'ephemeral', replace_original: false, text: plainWords(error) });
    }
  });
}
