/**
 * Discord modals built from a model's fields, as raw API JSON (no discord.js needed).
 *
 * How the bot chains pages (Discord allows five inputs per modal):
 * 1. `/video model:<ref>`: reply with `buildDiscordModal(model, fields, 0, prefix)` (response type 9).
 *    Page 1 holds the required inputs and then the first by `x-order`.
 * 2. On submit of page N (`parseDiscordFormCustomId` gives `{ step: 'page', page: N }`), keep
 *    `parseDiscordModalSubmit(data.components, fields)` with the session, then send
 *    `buildDiscordFormStepMessage({ plan, submittedPage: N, ... })` as an ephemeral reply: a
 *    "More options" button and a "Generate now" button (disabled while a required input on a later
 *    page is unanswered). When it returns undefined (last page), generate at once.
 * 3. "More options" (`{ step: 'more', page }`): answer with the modal of that page (type 9; a
 *    button interaction may open a modal). Back to 2.
 * 4. "Generate now" (`{ step: 'go' }`): merge the values of every page and hand them to the
 *    generation service, which coerces them (`coerceInput`) and reports bad fields.
 * Attachment ids from File Uploads are looked up in `data.resolved.attachments` for their URLs.
 */
export * from './custom-id.js';
export * from './limits.js';
export * from './modal.js';
export * from './step-message.js';
export * from './submit.js';
export type * from './types.js';
export * from './validate.js';
