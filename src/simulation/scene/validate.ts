import type { z } from 'zod';
import { SimulationError } from '../../core/errors.js';
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
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
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

/** One line per bad path, the first thing wrong with it: `-1` is "> 0", not also ">= 0.02". */
function problemsOf(error: z.ZodError): string[] {
  const byPath = new Map<string, string>();
  for (const issue of error.issues) {
    const at = formatPath(issue.path);
    if (!byPath.has(at)) byPath.set(at, `${at} ${describe(issue)}`);
  }
  return [...byPath.values()];
}

/** Every problem of `input` as a scene, e.g. `objects[3].size[1] must be > 0`; empty when it fits. */
export function sceneProblems(input: unknown): string[] {
  const result = sceneSchema.safeParse(input, { reportInput: true });
  return result.success ? [] : problemsOf(result.error);
}

/**
 * Checks `input` against the scene schema and fills in defaults.
 * @throws {SceneInvalidError} naming the path of every bad value.
 */
export function parseScene(input: unknown): Scene {
  const result = sceneSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new SceneInvalidError(problemsOf(result.error));
}
