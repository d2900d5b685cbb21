import type { RecordedCall } from './state.js';

/** The button labelled `label` on a message the bot sent or edited; fails the test when there is none. */
export function buttonOf(call: RecordedCall, label: string): { custom_id: string } {
  const found = (call.json.components as { components: { label: string; custom_id: string }[] }[])
    .flatMap((row) => row.components)
    .find((button) => button.label === label);
  if (!found) throw new Error(`no ${label} button in ${JSON.stringify(call.json.components)}`);
  return found;
}
