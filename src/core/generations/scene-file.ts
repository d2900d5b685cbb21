import type { Generation } from './types.js';

/**
 * A simulation of a scene file is rendered as the file says; a sentence given with it (Discord's
 * `prompt` beside `scene`, Slack's Title, the CLI's words beside `--scene`) is only its title.
 */

/** The title of a scene file's simulation when no sentence came with it, e.g. `the scene in tower.json`. */
export function sceneFileTitle(fileName: string): string {
  return `the scene in ${fileName}`;
}

/**
 * The status line of a scene file's simulation titled with a sentence of its own: without it the
 * message shows that sentence, no `Read as:`, and a video that need not look like it.
 */
export function sceneFileNote(generation: Pick<Generation, 'prompt' | 'input'>): string | undefined {
  const fileName = generation.input.sceneFile;
  if (typeof fileName !== 'string' || generation.prompt === sceneFileTitle(fileName)) return undefined;
  return `Rendered from ${fileName} as it is; the prompt is only its title`;
}
