import { NotFoundError, ReelbotError } from '../errors.js';
import type { ReplicatePrediction } from '../replicate/types.js';
import type { LifecycleContext } from './context.js';
import type { Generation } from './types.js';

/** Where Replicate sends webhooks for a generation; the id in the query ties a prediction to it. */
export function webhookUrlFor(publicUrl: string, generationId: string): string {
  return `${publicUrl}/webhooks/replicate?generation=${encodeURIComponent(generationId)}`;
}

/** Events we want: start, logs (for progress) and completed; `output` adds nothing for a video. */
export const webhookEvents = ['start', 'logs', 'completed'] as const;

function refusedVersion(error: unknown): boolean {
  if (error instanceof NotFoundError) return true;
  return (
    error instanceof ReelbotError &&
    error.code === 'REPLICATE_REJECTED' &&
    [404, 422].includes(error.context.status as number)
  );
}

/**
 * Sends the one create request of a generation: version-based when we know a version, model-based
 * for official models (which have none), and model-based again when Replicate refuses the version
 * (a refused request created nothing, so the second request cannot make a duplicate).
 */
export async function createPredictionFor(
  ctx: LifecycleContext,
  generation: Generation,
): Promise<ReplicatePrediction> {
  const base = {
    model: generation.model,
    input: generation.input,
    webhook: ctx.publicUrl ? webhookUrlFor(ctx.publicUrl, generation.id) : undefined,
    webhookEventsFilter: ctx.publicUrl ? [...webhookEvents] : undefined,
  };
  if (!generation.version) return ctx.api.createPrediction(base);
  try {
    return await ctx.api.createPrediction({ ...base, version: generation.version });
  } catch (error) {
    if (!refusedVersion(error)) throw error;
    ctx.logger
      .child({ generationId: generation.id })
      .warn({ code: (error as ReelbotError).code }, 'version-based prediction refused; trying model-based');
    return ctx.api.createPrediction(base);
  }
}

/** Key order does not matter when we compare inputs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** What the search for an already sent create request found. */
export type SentPrediction = { found: ReplicatePrediction } | { found: undefined; why: 'none' | 'ambiguous' };

/** Replicate's clock and ours differ a little; look this far before the recorded intent. */
const clockSkewMs = 2 * 60 * 1000;
const maxPages = 20;

/**
 * Finds the prediction a crashed worker may have created for `generation` (its intent is recorded,
 * its prediction id is not). Reads `GET /v1/predictions`, newest first, back to the intent. A
 * prediction whose webhook URL names this generation is certain; without webhooks, a prediction of
 * the same model with the same input that no other generation owns counts when it is the only one.
 * Two candidates are ambiguous: guessing could leave one video orphaned and show another person's.
 */
export async function findSentPrediction(
  ctx: LifecycleContext,
  generation: Generation,
  requestedAt: number,
): Promise<SentPrediction> {
  const since = requestedAt - clockSkewMs;
  const wanted = canonical(generation.input);
  const candidates: ReplicatePrediction[] = [];
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { results, next: following } = await ctx.api.listPredictions(next);
    let older = false;
    for (const prediction of results) {
      const created = prediction.created_at ? Date.parse(prediction.created_at) : Number.NaN;
      if (Number.isFinite(created) && created < since) {
        older = true;
        continue;
      }
      const webhook = (prediction as { webhook?: string | null }).webhook;
      if (webhook && new URL(webhook).searchParams.get('generation') === generation.id)
        return { found: prediction };
      const sameModel =
        prediction.model === generation.model ||
        (generation.version !== undefined && prediction.version === generation.version);
      if (!sameModel || canonical(prediction.input ?? {}) !== wanted) continue;
      if (await ctx.store.getByPrediction(prediction.id)) continue;
      candidates.push(prediction);
    }
    if (older || !following) break;
    next = following;
  }
  const only = candidates.length === 1 ? candidates[0] : undefined;
  if (only) return { found: only };
  return { found: undefined, why: candidates.length === 0 ? 'none' : 'ambiguous' };
}
