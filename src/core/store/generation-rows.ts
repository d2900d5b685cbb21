import type { GenerationInternals, GenerationPatch } from '../generations/generation-store.js';
import type {
  Generation,
  GenerationMetrics,
  GenerationOrigin,
  GenerationSource,
  GenerationStatus,
  Platform,
  StoredMedia,
} from '../generations/types.js';

/** A row of `generations` as SQLite returns it. */
export interface GenerationRow {
  id: string;
  source: GenerationSource;
  platform: Platform;
  workspace_id: string | null;
  channel_id: string | null;
  user_id: string;
  user_name: string | null;
  model: string;
  version: string | null;
  prompt: string | null;
  input_json: string;
  seed: number | null;
  prediction_id: string | null;
  prediction_requested_at: number | null;
  status: GenerationStatus;
  error: string | null;
  error_code: string | null;
  upstream_error: string | null;
  progress: number | null;
  last_log: string | null;
  output_url: string | null;
  extra_outputs_json: string | null;
  media_path: string | null;
  media_sha256: string | null;
  media_bytes: number | null;
  media_mime: string | null;
  media_width: number | null;
  media_height: number | null;
  media_duration: number | null;
  poster_path: string | null;
  download_claim: string | null;
  download_claimed_at: number | null;
  download_heartbeat_at: number | null;
  download_attempts: number;
  cancel_requested: number;
  message_ref_json: string | null;
  predict_time?: number | null;
  metrics_json?: string | null;
  cpu_seconds?: number | null;
  cost_usd?: number | null;
  restricted_categories_json?: string | null;
  origin_kind?: string | null;
  origin_id?: string | null;
  chain_id?: string | null;
  joined_media_json?: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  updated_at: number;
  rowid?: number;
}

function metricsOf(row: GenerationRow): GenerationMetrics | undefined {
  if (row.predict_time == null && row.cpu_seconds == null && !row.metrics_json) return undefined;
  const metrics: GenerationMetrics = {};
  if (row.predict_time != null) metrics.predictTime = row.predict_time;
  if (row.cpu_seconds != null) metrics.cpuTime = row.cpu_seconds;
  if (row.metrics_json) metrics.other = JSON.parse(row.metrics_json) as Record<string, unknown>;
  return metrics;
}

/** A row as the rest of reelbot sees it. */
export function toGeneration(row: GenerationRow): Generation {
  const media: StoredMedia | undefined = row.media_path
    ? {
        path: row.media_path,
        sha256: row.media_sha256 ?? '',
        bytes: row.media_bytes ?? 0,
        mime: row.media_mime ?? 'application/octet-stream',
        width: row.media_width ?? undefined,
        height: row.media_height ?? undefined,
        durationSeconds: row.media_duration ?? undefined,
        posterPath: row.poster_path ?? undefined,
      }
    : undefined;
  return {
    id: row.id,
    source: row.source,
    requester: {
      platform: row.platform,
      workspaceId: row.workspace_id ?? undefined,
      channelId: row.channel_id ?? undefined,
      userId: row.user_id,
      userName: row.user_name ?? undefined,
    },
    model: row.model,
    version: row.version ?? undefined,
    prompt: row.prompt ?? undefined,
    input: JSON.parse(row.input_json) as Record<string, unknown>,
    seed: row.seed ?? undefined,
    predictionId: row.prediction_id ?? undefined,
    status: row.status,
    error: row.error ?? undefined,
    errorCode: row.error_code ?? undefined,
    upstreamError: row.upstream_error ?? undefined,
    progress: row.progress ?? undefined,
    lastLog: row.last_log ?? undefined,
    media,
    extraOutputs: row.extra_outputs_json ? (JSON.parse(row.extra_outputs_json) as string[]) : undefined,
    metrics: metricsOf(row),
    costUsd: row.cost_usd ?? undefined,
    ...(row.origin_kind && row.origin_id
      ? { origin: { kind: row.origin_kind as GenerationOrigin['kind'], generationId: row.origin_id } }
      : {}),
    ...(row.chain_id ? { chainId: row.chain_id } : {}),
    ...(row.joined_media_json ? { joinedMedia: JSON.parse(row.joined_media_json) as StoredMedia } : {}),
    messageRef: row.message_ref_json
      ? (JSON.parse(row.message_ref_json) as Record<string, unknown>)
      : undefined,
    restrictedCategories: row.restricted_categories_json
      ? (JSON.parse(row.restricted_categories_json) as string[])
      : undefined,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    completedAt: row.completed_at ?? undefined,
    updatedAt: row.updated_at,
  };
}

/** The columns a patch sets; keys left out of the patch are left out here too. */
/** The fields only the service reads (claims, attempts, the output URL), from a row of either engine. */
export function internalsOf(row: GenerationRow): GenerationInternals {
  return {
    outputUrl: row.output_url ?? undefined,
    predictionRequestedAt: row.prediction_requested_at ?? undefined,
    downloadClaim: row.download_claim ?? undefined,
    downloadClaimedAt: row.download_claimed_at ?? undefined,
    downloadHeartbeatAt: row.download_heartbeat_at ?? undefined,
    downloadAttempts: row.download_attempts,
    cancelRequested: row.cancel_requested === 1,
  };
}

export function patchColumns(patch: GenerationPatch): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  const set = (column: string, value: unknown) => {
    if (value !== undefined) columns[column] = value;
  };
  set('status', patch.status);
  set('version', patch.version);
  set('prediction_id', patch.predictionId);
  set('prediction_requested_at', patch.predictionRequestedAt);
  set('error', patch.error);
  set('error_code', patch.errorCode);
  set('upstream_error', patch.upstreamError);
  set('progress', patch.progress);
  set('last_log', patch.lastLog);
  set('output_url', patch.outputUrl);
  set('seed', patch.seed);
  set('download_attempts', patch.downloadAttempts);
  set('started_at', patch.startedAt);
  set('completed_at', patch.completedAt);
  if (patch.cancelRequested !== undefined) columns.cancel_requested = patch.cancelRequested ? 1 : 0;
  if (patch.input !== undefined) columns.input_json = JSON.stringify(patch.input);
  if (patch.extraOutputs !== undefined)
    columns.extra_outputs_json = patch.extraOutputs === null ? null : JSON.stringify(patch.extraOutputs);
  if (patch.messageRef !== undefined)
    columns.message_ref_json = patch.messageRef === null ? null : JSON.stringify(patch.messageRef);
  set('chain_id', patch.chainId);
  if (patch.joinedMedia !== undefined)
    columns.joined_media_json = patch.joinedMedia === null ? null : JSON.stringify(patch.joinedMedia);
  if (patch.media !== undefined) {
    const m = patch.media;
    Object.assign(columns, {
      media_path: m?.path ?? null,
      media_sha256: m?.sha256 ?? null,
      media_bytes: m?.bytes ?? null,
      media_mime: m?.mime ?? null,
      media_width: m?.width ?? null,
      media_height: m?.height ?? null,
      media_duration: m?.durationSeconds ?? null,
      poster_path: m?.posterPath ?? null,
    });
  }
  return columns;
}
