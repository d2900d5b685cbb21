import type { FormLimits } from '../../../core/forms/plan.js';

/**
 * Slack's documented limits for modal views and the Block Kit elements reelbot uses (views
 * reference; input block; plain_text_input, number_input, static_select, multi_static_select,
 * checkboxes, file_input, external_select; option object).
 */
export const slackViewLimits = {
  blocks: 100,
  title: 24,
  submit: 24,
  close: 24,
  privateMetadata: 3000,
  callbackId: 255,
  blockId: 255,
  actionId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputLength: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  checkboxOptions: 10,
  fileInputFiles: 10,
} as const;

/**
 * The chooser block takes one of the 100 blocks, and a form of several pages needs one more for
 * its Back/Next buttons; past that the form is split into pages (see modal/form-pages.ts).
 */
export const slackFieldsPerView = slackViewLimits.blocks - 2;

/** The form plan's limits on Slack. */
export const slackFormLimits = {
  maxPerPage: slackFieldsPerView,
  labelMax: 150,
  descriptionMax: 300,
  placeholderMax: slackViewLimits.placeholder,
  optionLimit: slackViewLimits.selectOptions,
  optionLabelMax: slackViewLimits.optionText,
  optionValueMax: slackViewLimits.optionValue,
  initialValueMax: slackViewLimits.plainTextInputLength,
} satisfies FormLimits;

/** What a file_input accepts for image inputs (Replicate's image models read these). */
export const slackImageFileTypes = ['jpg', 'jpeg', 'png', 'gif', 'webp'];
