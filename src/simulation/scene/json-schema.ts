import { z } from 'zod';
import { sceneSchema } from './schema.js';

type JsonNode = Record<string, unknown>;

/** Rewrites draft 2020-12 tuples (`prefixItems`) as plain arrays, which every model API accepts. */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonNode = {};
  for (const [key, value] of Object.entries(node as JsonNode)) {
    if (key === '$schema') continue;
    out[key] = simplify(value);
  }
  if (Array.isArray(out.prefixItems)) {
    out.items = out.prefixItems[0];
    delete out.prefixItems;
  }
  return out;
}

let cached: JsonNode | undefined;

/**
 * The scene schema as JSON Schema, made from the zod schema itself so the two never drift: what a
 * model is asked to produce is what `parseScene` accepts. Defaults stay in, as hints.
 */
export function sceneJsonSchema(): JsonNode {
  cached ??= simplify(z.toJSONSchema(sceneSchema, { io: 'input', unrepresentable: 'any' })) as JsonNode;
  return cached;
}
