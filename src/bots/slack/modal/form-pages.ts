import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import type { RawValue } from '../../../core/replicate/coerce.js';
import {
  parseSlackViewState,
  type SlackFileRef,
  type SlackStateValues,
  slackViewFiles,
} from '../form/index.js';
import { decodeContext } from '../metadata.js';
import { errorCodeOf } from '../slack-errors.js';
import { asView } from './model-form.js';
import { formBackActionId, formNextActionId, formView } from './views.js';

/** Open multi-page forms remembered at once; the oldest is forgotten past this. */
const maxDrafts = 500;

/** What a person typed on the pages of a form they are not looking at, for one model. */
export interface PageDraft {
  model: string;
  values: Record<string, RawValue>;
  files: Record<string, SlackFileRef[]>;
}

/**
 * The values of a multi-page form between pages, by view id (which stays the same through
 * `views.update`). Slack keeps only the state of the blocks on screen, and private_metadata holds
 * 3000 characters, too few for a hundred inputs, so the pages not shown live here, in memory: a
 * restart mid-form loses them, and the submit then uses the defaults of those pages.
 */
export function createPageDrafts() {
  const drafts = new Map<string, PageDraft>();
  return {
    get(viewId: string, model: string): PageDraft | undefined {
      const draft = drafts.get(viewId);
      return draft?.model === model ? draft : undefined;
    },
    /** Adds what a page holds now to the draft (a page's inputs replace what it held before). */
    keep(
      viewId: string,
      model: string,
      values: Record<string, RawValue>,
      files: Record<string, SlackFileRef[]>,
    ) {
      const before = this.get(viewId, model);
      drafts.delete(viewId);
      drafts.set(viewId, {
        model,
        values: { ...before?.values, ...values },
        files: { ...before?.files, ...files },
      });
      if (drafts.size > maxDrafts) drafts.delete(drafts.keys().next().value as string);
    },
    forget(viewId: string) {
      drafts.delete(viewId);
    },
  };
}

export type PageDrafts = ReturnType<typeof createPageDrafts>;

/** Form values as the Slack form pre-fills them: lists one item a line, booleans as `true`/`false`. */
export function asInitialValues(values: Record<string, RawValue>): Record<string, string | undefined> {
  const initial: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) initial[name] = value.join('\n');
    else if (value !== undefined) initial[name] = String(value);
  }
  return initial;
}

/**
 * Back and Next of a form split over several views: the page on screen is kept in the draft, and
 * the other page is shown in the same modal with `views.update`, filled with what was typed there.
 */
export function registerFormPages(
  app: App,
  deps: { catalog: Pick<Catalog, 'getModel'>; drafts: PageDrafts; logger: Logger; batch?: boolean },
) {
  for (const actionId of [formBackActionId, formNextActionId]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view;
      const context = decodeContext(view?.private_metadata);
      if (!view || !context?.model) return;
      const state = view.state.values as SlackStateValues;
      const files = slackViewFiles(state);
      const values = parseSlackViewState(state);
      for (const field of Object.keys(files)) delete values[field];
      deps.drafts.keep(view.id, context.model, values, files);
      try {
        const detail = await deps.catalog.getModel(context.model);
        const draft = deps.drafts.get(view.id, context.model)!;
        const page = Number(action.value) || 0;
        const next = formView({ ...context, page }, detail, asInitialValues(draft.values), {
          batch: deps.batch,
        });
        await client.views.update({ view_id: view.id, hash: view.hash, view: asView(next) });
      } catch (error) {
        deps.logger.warn(
          { err: error, code: errorCodeOf(error), model: context.model },
          'form page change failed',
        );
      }
    });
  }
}
