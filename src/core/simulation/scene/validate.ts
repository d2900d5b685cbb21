import type { z } from 'zod';
import { SimulationError } from '../../errors.js';
import { type Scene, sceneSchema } from './schema.js';

/** A scene that does not fit the schema; each problem starts with the path it is about. */
export class SceneInvalidError extends SimulationError {
  constructor(readonly problems: string[]) {
    super('SCENE_INVALID', `Invalid scene: ${problems.join('; ')}`, {
      userMessage: `That scene cannot be simulated: ${problems.slice(0, 5).join('; ')}${
        problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''
      }.`,
    });
  }
}

/** `['objects', 3, 'size', 1]` -> `objects[3].size[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || 'scene';
}

function describe(issue: z.core.$ZodIssue): string {
  // Our schema sets plain messages such as "must be > 0"; zod's own start with a capital letter.
  if (/^(must|has)\b/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} items`
        : `must be >= ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} items`
        : `must be <= ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Every problem of `input` as a scene, e.g. `objects[3].size[1] must be > 0`; empty when it fits. */
export function sceneProblems(input: unknown): string[] {
  const result = sceneSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${formatPath(issue.path)} ${describe(issue)}`);
}

/**
 * Checks `input` against the scene schema and fills in defaults.
 * @throws {SceneInvalidError} naming the path of every bad value.
 */
export function parseScene(input: unknown): Scene {
  const result = sceneSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SceneInvalidError(
    result.error.issues.map((issue) => `${formatPath(issue.path)} ${describe(issue)}`),
  );
}
