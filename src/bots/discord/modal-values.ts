import type { Attachment, ModalSubmitInteraction } from 'discord.js';

/** A submitted component in the shape of the API (`custom_id`, `value`, `values`). */
interface RawComponent {
  type: number;
  custom_id?: string;
  value?: string;
  values?: string[];
  component?: RawComponent;
  components?: RawComponent[];
}

interface SubmittedData {
  type: number;
  customId?: string;
  value?: string;
  values?: readonly string[];
  attachments?: ReadonlyMap<string, Attachment>;
  component?: SubmittedData;
  components?: readonly SubmittedData[];
}

function toRaw(data: SubmittedData, files: Map<string, Attachment>): RawComponent {
  const raw: RawComponent = { type: data.type };
  if (data.customId !== undefined) raw.custom_id = data.customId;
  if (data.value !== undefined) raw.value = data.value;
  if (data.values !== undefined) raw.values = [...data.values];
  for (const [id, attachment] of data.attachments ?? []) files.set(id, attachment);
  if (data.component) raw.component = toRaw(data.component, files);
  if (data.components) raw.components = data.components.map((child) => toRaw(child, files));
  return raw;
}

/**
 * A modal submission as the API sent it (discord.js renames fields to camelCase; the form parser
 * reads API JSON), and the uploaded files by attachment id.
 */
export function submittedComponents(interaction: ModalSubmitInteraction): {
  components: RawComponent[];
  files: Map<string, Attachment>;
} {
  const files = new Map<string, Attachment>();
  const components = (interaction.components as unknown as SubmittedData[]).map((c) => toRaw(c, files));
  return { components, files };
}
