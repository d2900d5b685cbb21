/**
 * Slack modal views built from a model's fields, as raw Block Kit JSON.
 *
 * Flow: `/video` opens `buildSlackModal(model?, fields, { privateMetadata })` with `views.open`.
 * The chooser on top (block `reelbot_model`, external_select action `model`) dispatches
 * block_actions when a model is picked: the bot answers with `views.update` and the new model's
 * fields. On `view_submission`, `parseSlackViewState(view.state.values)` gives raw values per field
 * for the generation service; on a `ValidationError`, answer
 * `{ response_action: 'errors', errors: { [problem.field]: problem.message } }` (block ids are field
 * names). Files come from `slackViewFiles`.
 */
export * from './limits.js';
export * from './model-option.js';
export * from './state.js';
export type * from './types.js';
export * from './validate.js';
export * from './view.js';
