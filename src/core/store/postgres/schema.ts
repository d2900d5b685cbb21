import type { Generated } from 'kysely';
import type { GenerationRow } from '../generation-rows.js';
import type { GroupMemberRow, GroupRow } from '../group-rows.js';

/*
 * The tables as Kysely sees them. Rows of `generations` have the same columns and values as in
 * SQLite (times in ms as BIGINT, read back as numbers; JSON kept as text; flags as 0/1), so both
 * engines share one row mapping (generation-rows.ts).
 */

/** `generations`, as the queries read it: every column but the search vector. */
export type GenerationsTable = Omit<
  GenerationRow,
  'rowid' | 'input_json' | 'download_attempts' | 'cancel_requested'
> & {
  // Columns with a default: optional on insert.
  input_json: Generated<string>;
  download_attempts: Generated<number>;
  cancel_requested: Generated<number>;
};

export interface PostgresSchema {
  generations: GenerationsTable;
  catalog_cache: { key: string; value_json: string; fetched_at: number };
  webhook_deliveries: { id: string; received_at: number };
  revoked_links: { signature: string; expires_at: number; revoked_at: number };
  refusals: {
    id: Generated<number>;
    created_at: number;
    platform: string;
    workspace_id: string | null;
    user_id: string;
    user_name: string | null;
    model: string | null;
    code: string;
  };
  operator_sessions: { secret_hash: string; kind: 'session' | 'sign-in'; expires_at: number };
  favorites: { platform: string; user_id: string; generation_id: string; created_at: number };
  schema_migrations: { version: number; name: string; applied_at: number };
  generation_groups: GroupRow;
  generation_group_members: GroupMemberRow;
  server_settings: {
    platform: string;
    workspace_id: string;
    key: string;
    value_json: string;
    updated_at: number;
  };
  settings_audit: {
    id: Generated<number>;
    platform: string;
    workspace_id: string;
    key: string;
    old_json: string | null;
    new_json: string | null;
    user_id: string;
    user_name: string | null;
    at: number;
  };
}

/** The columns a query returns for a generation: `prompt_search` is for matching only. */
export const generationColumns = [
  'id',
  'source',
  'platform',
  'workspace_id',
  'channel_id',
  'user_id',
  'user_name',
  'model',
  'version',
  'prompt',
  'input_json',
  'seed',
  'prediction_id',
  'prediction_requested_at',
  'status',
  'error',
  'error_code',
  'upstream_error',
  'progress',
  'last_log',
  'output_url',
  'extra_outputs_json',
  'media_path',
  'media_sha256',
  'media_bytes',
  'media_mime',
  'media_width',
  'media_height',
  'media_duration',
  'poster_path',
  'download_claim',
  'download_claimed_at',
  'download_heartbeat_at',
  'download_attempts',
  'cancel_requested',
  'message_ref_json',
  'predict_time',
  'metrics_json',
  'cpu_seconds',
  'cost_usd',
  'restricted_categories_json',
  'origin_kind',
  'origin_id',
  'chain_id',
  'joined_media_json',
  'created_at',
  'started_at',
  'completed_at',
  'updated_at',
] as const satisfies readonly (keyof GenerationsTable)[];
