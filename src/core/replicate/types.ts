/** A model version as Replicate returns it. */
export interface ReplicateVersion {
  id: string;
  created_at?: string;
  cog_version?: string;
  openapi_schema?: unknown;
}

/** A model as Replicate returns it (GET /models/{owner}/{name}, collection entries). */
export interface ReplicateModel {
  url?: string;
  owner: string;
  name: string;
  description?: string | null;
  visibility?: 'public' | 'private';
  run_count?: number;
  cover_image_url?: string | null;
  latest_version?: ReplicateVersion | null;
}

/** A collection (GET /collections/{slug}). */
export interface ReplicateCollection {
  slug: string;
  name: string;
  description?: string;
  models: ReplicateModel[];
}

/** Replicate's prediction states; `aborted` is final too, though the client's `wait()` misses it. */
export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

export const finalPredictionStatuses: readonly PredictionStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'aborted',
];

/** A prediction (POST /predictions, GET /predictions/{id}, webhook bodies). */
export interface ReplicatePrediction {
  id: string;
  model?: string;
  version?: string;
  status: PredictionStatus;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: unknown;
  logs?: string | null;
  data_removed?: boolean;
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
  urls?: { get?: string; cancel?: string; stream?: string; web?: string };
  /** `predict_time` is the billed compute seconds; others (`total_time`...) vary by model. */
  metrics?: { predict_time?: number; [name: string]: unknown };
}

/** A file uploaded through the Files API. */
export interface ReplicateFile {
  id: string;
  name?: string;
  content_type?: string;
  size?: number;
  urls: { get: string };
}
