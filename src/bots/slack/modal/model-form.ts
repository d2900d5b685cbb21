import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import type { RawValue } from '../../../core/replicate/coerce.js';
import { promptField } from '../../../core/replicate/schema.js';
import type { Field } from '../../../core/replicate/schema-types.js';
import type { SlackModalView } from '../form/index.js';
import type { ModalContext } from '../metadata.js';
import { errorCodeOf, plainWords, slackProblemOf } from '../slack-errors.js';
import { formView, modelErrorView } from './views.js';

/** The form module builds raw Block Kit JSON; the Web API client types it as a View. */
export function asView(view: SlackModalView): types.ModalView {
  return view as unknown as types.ModalView;
}

/** What to pre-fill in a new model's form: what was typed in the old one, and the command's prompt. */
export function carriedValues(
  fields: Field[],
  typed: Record<string, RawValue>,
  commandPrompt?: string,
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const field of fields) {
    const value = typed[field.name];
    if (typeof value === 'string' && value.trim() !== '') values[field.name] = value;
  }
  const prompt = promptField(fields);
  if (prompt && values[prompt.name] === undefined && commandPrompt) values[prompt.name] = commandPrompt;
  return values;
}

/**
 * Swaps the chosen model's form into an open modal with `views.update`. The view hash makes Slack
 * refuse a stale update when the person picked twice in quick succession: the later pick wins.
 */
export function createFormLoader(deps: {
  catalog: Pick<Catalog, 'getModel'>;
  logger: Logger;
  /** The form offers "How many videos" (a batch): the process has a group service. */
  batch?: boolean;
}) {
  return async function showModelForm(input: {
    client: webApi.WebClient;
    view: { id: string; hash?: string };
    context: ModalContext;
    model: string;
    typed?: Record<string, RawValue>;
  }): Promise<void> {
    let next: SlackModalView;
    try {
      const detail = await deps.catalog.getModel(input.model);
      next = formView(
        input.context,
        detail,
        carriedValues(detail.fields, input.typed ?? {}, input.context.prompt),
        { batch: deps.batch },
      );
    } catch (error) {
      deps.logger.info(
        { err: error, model: input.model, code: errorCodeOf(error) },
        'model form unavailable',
      );
      next = modelErrorView(input.context, plainWords(error));
    }
    try {
      await input.client.views.update({ view_id: input.view.id, hash: input.view.hash, view: asView(next) });
    } catch (error) {
      if (slackProblemOf(error)?.error === 'hash_conflict') return;
      deps.logger.warn({ err: error, model: input.model, code: errorCodeOf(error) }, 'views.update failed');
    }
  };
}

export type ShowModelForm = ReturnType<typeof createFormLoader>;
