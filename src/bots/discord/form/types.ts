/** Discord component types used in reelbot's modals (raw API numbers). */
export const DiscordComponentType = {
  ActionRow: 1,
  Button: 2,
  StringSelect: 3,
  TextInput: 4,
  TextDisplay: 10,
  Label: 18,
  FileUpload: 19,
} as const;

export interface DiscordTextInput {
  type: 4;
  custom_id: string;
  /** 1 short, 2 paragraph. */
  style: 1 | 2;
  value?: string;
  placeholder?: string;
  min_length?: number;
  max_length?: number;
  required?: boolean;
}

export interface DiscordSelectOption {
  label: string;
  value: string;
  description?: string;
  default?: boolean;
}

export interface DiscordStringSelect {
  type: 3;
  custom_id: string;
  options: DiscordSelectOption[];
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  required?: boolean;
}

export interface DiscordFileUpload {
  type: 19;
  custom_id: string;
  min_values?: number;
  max_values?: number;
  required?: boolean;
}

export interface DiscordLabel {
  type: 18;
  label: string;
  description?: string;
  component: DiscordTextInput | DiscordStringSelect | DiscordFileUpload;
}

/** The `data` of an interaction response of type 9 (MODAL). */
export interface DiscordModal {
  custom_id: string;
  title: string;
  components: DiscordLabel[];
}

export interface DiscordButton {
  type: 2;
  /** 1 primary, 2 secondary, 3 success, 4 danger. */
  style: 1 | 2 | 3 | 4;
  label: string;
  custom_id: string;
  disabled?: boolean;
}

/** A message payload (ephemeral) with one row of buttons. */
export interface DiscordFormStepMessage {
  content: string;
  /** 64: EPHEMERAL. */
  flags: 64;
  components: { type: 1; components: DiscordButton[] }[];
}

/** The model a form is for: a ref, or a catalog entry. */
export type FormModelRef = string | { ref: string; name?: string };
