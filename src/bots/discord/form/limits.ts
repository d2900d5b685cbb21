import type { FormLimits } from '../../../core/forms/plan.js';

/**
 * Discord's documented limits for modals (components reference: Label, Text Input, String Select,
 * File Upload; interaction response: modal). The validator checks against these.
 */
export const discordModalLimits = {
  customId: 100,
  title: 45,
  topLevelComponents: 5,
  labelText: 45,
  labelDescription: 100,
  textInputValue: 4000,
  textInputPlaceholder: 100,
  selectOptions: 25,
  selectOptionLabel: 100,
  selectOptionValue: 100,
  selectOptionDescription: 100,
  selectPlaceholder: 150,
  selectValues: 25,
  fileUploadValues: 10,
  buttonLabel: 80,
} as const;

/** The form plan's limits on Discord: five Labels a page. */
export const discordFormLimits = {
  maxPerPage: discordModalLimits.topLevelComponents,
  labelMax: discordModalLimits.labelText,
  descriptionMax: discordModalLimits.labelDescription,
  placeholderMax: discordModalLimits.textInputPlaceholder,
  optionLimit: discordModalLimits.selectOptions,
  optionLabelMax: discordModalLimits.selectOptionLabel,
  optionValueMax: discordModalLimits.selectOptionValue,
  initialValueMax: discordModalLimits.textInputValue,
} satisfies FormLimits;
