import type { App, BlockAction, BlockSuggestion, ExternalSelectAction } from '@slack/bolt';
import { truncate } from '../../../core/forms/text.js';
import type { ServerRules } from '../../../core/generations/server-rules.js';
import type { Logger } from '../../../core/logger.js';
import type { Catalog } from '../../../core/replicate/catalog.js';
import {
  modelFromOption,
  modelOptionPrefix,
  modelOptionValue,
  parseSlackViewState,
  type SlackStateValues,
  slackModelActionId,
  slackViewLimits,
} from '../form/index.js';
import { decodeContext, type ModalContext } from '../metadata.js';
import type { ShowModelForm } from './model-form.js';

/** How long type-ahead waits for Replicate when nothing is cached (Slack waits 3 s in all). */
const suggestionTimeoutMs = 2000;

/**
 * The model chooser: type-ahead over the cached catalog (block_suggestion), and the chosen model's
 * form swapped in when the choice changes (block_actions, then views.update).
 */
export function registerChooser(
  app: App,
  deps: {
    catalog: Pick<Catalog, 'search'>;
    showModelForm: ShowModelForm;
    logger: Logger;
    /** The workspace's allowed models: only those are offered. */
    rules?: ServerRules;
  },
) {
  app.options<'block_suggestion'>({ action_id: slackModelActionId }, async ({ body, ack }) => {
    const suggestion = body as BlockSuggestion;
    const context = decodeContext(suggestion.view?.private_metadata);
    try {
      const allowed =
        (await deps.rules?.allows({
          platform: 'slack',
          workspaceId: suggestion.team?.id ?? context?.teamId,
        })) ?? (() => true);
      const found = await deps.catalog.search(suggestion.value ?? '', {
        collection: context?.collection,
        limit: slackViewLimits.selectOptions,
        timeoutMs: suggestionTimeoutMs,
      });
      const models = found.filter((model) => allowed(model.ref));
      await ack({
        options: models.map((model) => {
          const option: {
            text: { type: 'plain_text'; text: string };
            value: string;
            description?: { type: 'plain_text'; text: string };
          } = {
            text: { type: 'plain_text', text: truncate(model.ref, slackViewLimits.optionText) },
            value: modelOptionValue(model.ref),
          };
          if (model.description)
            option.description = {
              type: 'plain_text',
              text: truncate(model.description, slackViewLimits.optionDescription),
            };
          return option;
        }),
      });
    } catch (error) {
      deps.logger.warn({ err: error }, 'model search failed');
      await ack({ options: [] });
    }
  });

  /** A shortened option value names a model the catalog search by its beginning finds again. */
  async function chosenModel(value: string, collection: ModalContext['collection']) {
    const prefix = modelOptionPrefix(value);
    if (prefix === value) return value;
    try {
      const found = await deps.catalog.search(prefix, { collection, timeoutMs: suggestionTimeoutMs });
      return modelFromOption(
        value,
        found.map((model) => model.ref),
      );
    } catch (error) {
      deps.logger.warn({ err: error }, 'model search failed');
      return undefined;
    }
  }

  app.action<BlockAction<ExternalSelectAction>>(
    { type: 'block_actions', action_id: slackModelActionId },
    async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view;
      const value = action.selected_option?.value;
      const context = decodeContext(view?.private_metadata);
      if (!view || !value || !context) return;
      const model = await chosenModel(value, context.collection);
      if (!model) return;
      await deps.showModelForm({
        client,
        view: { id: view.id, hash: view.hash },
        context,
        model,
        typed: parseSlackViewState(view.state.values as SlackStateValues),
      });
    },
  );
}
