import { type Kysely, sql } from 'kysely';
import type { PostgresSchema } from './schema.js';

/** A numbered schema change for PostgreSQL. Numbers only grow; a migration never changes once released. */
export interface PostgresMigration {
  version: number;
  name: string;
  up: string;
}

/**
 * PostgreSQL's own list, separate from SQLite's (whose numbers 1..6 grew the table step by step):
 * a PostgreSQL database starts at today's schema. Times are milliseconds in BIGINT, ids and models
 * sort byte-wise (COLLATE "C") as SQLite's keyset pages do, and prompt search is a generated
 * `tsvector` with a GIN index, the counterpart of SQLite's FTS5 table.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'generations with prompt search, catalog cache, webhook deliveries, revoked links',
    up: `
      CREATE TABLE generations (
        id TEXT COLLATE "C" PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('replicate', 'simulation')),
        platform TEXT NOT NULL,
        workspace_id TEXT,
        channel_id TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        model TEXT COLLATE "C" NOT NULL,
        version TEXT,
        prompt TEXT,
        input_json TEXT NOT NULL DEFAULT '{}',
        seed BIGINT,
        prediction_id TEXT UNIQUE,
        prediction_requested_at BIGINT,
        status TEXT NOT NULL CHECK (status IN ('queued','starting','processing','downloading','succeeded','failed','canceled')),
        error TEXT,
        error_code TEXT,
        upstream_error TEXT,
        progress DOUBLE PRECISION,
        last_log TEXT,
        output_url TEXT,
        extra_outputs_json TEXT,
        media_path TEXT,
        media_sha256 TEXT,
        media_bytes BIGINT,
        media_mime TEXT,
        media_width INTEGER,
        media_height INTEGER,
        media_duration DOUBLE PRECISION,
        poster_path TEXT,
        download_claim TEXT,
        download_claimed_at BIGINT,
        download_heartbeat_at BIGINT,
        download_attempts INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        message_ref_json TEXT,
        predict_time DOUBLE PRECISION,
        metrics_json TEXT,
        cpu_seconds DOUBLE PRECISION,
        cost_usd DOUBLE PRECISION,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        completed_at BIGINT,
        updated_at BIGINT NOT NULL,
        -- 'simple': no stemming and no stop words, as FTS5's unicode61 tokenizer
        prompt_search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(prompt, ''))) STORED
      );
      CREATE INDEX generations_created ON generations (created_at DESC, id DESC);
      CREATE INDEX generations_status_created ON generations (status, created_at DESC, id DESC);
      CREATE INDEX generations_user_status ON generations (platform, user_id, status);
      CREATE INDEX generations_model_created ON generations (model, created_at DESC, id DESC);
      CREATE INDEX generations_platform_created ON generations (platform, created_at DESC, id DESC);
      CREATE INDEX generations_source_created ON generations (source, created_at DESC, id DESC);
      CREATE INDEX generations_user_created ON generations (user_id, created_at DESC, id DESC);
      CREATE INDEX generations_model_status_created ON generations (model, status, created_at DESC, id DESC);
      CREATE INDEX generations_platform_status_created ON generations (platform, status, created_at DESC, id DESC);
      CREATE INDEX generations_workspace_created ON generations (platform, workspace_id, created_at);
      CREATE INDEX generations_prompt_search ON generations USING GIN (prompt_search);

      CREATE TABLE catalog_cache (
        key TEXT COLLATE "C" PRIMARY KEY,
        value_json TEXT NOT NULL,
        fetched_at BIGINT NOT NULL
      );

      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        received_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

      CREATE TABLE revoked_links (
        signature TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'server settings set in chat, and the audit log of every change',
    up: `
      CREATE TABLE server_settings (
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (platform, workspace_id, key)
      );
      CREATE TABLE settings_audit (
        id BIGSERIAL PRIMARY KEY,
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        old_json TEXT,
        new_json TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        at BIGINT NOT NULL
      );
      CREATE INDEX settings_audit_place ON settings_audit (platform, workspace_id, id);
      `,
  },
  {
    version: 3,
    name: "refused requests for the operator's page; operator sessions that outlive a restart",
    up: `
      CREATE TABLE refusals (
        id BIGSERIAL PRIMARY KEY,
        created_at BIGINT NOT NULL,
        platform TEXT NOT NULL,
        workspace_id TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        model TEXT,
        code TEXT NOT NULL
      );
      CREATE INDEX refusals_created ON refusals (created_at);
      CREATE TABLE operator_sessions (
        secret_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'sign-in')),
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX operator_sessions_expires ON operator_sessions (expires_at);
      `,
  },
  {
    version: 4,
    name: 'lineage: the generation each came from, and chains of extends with their joined video',
    up: `
      ALTER TABLE generations ADD COLUMN origin_kind TEXT;
      ALTER TABLE generations ADD COLUMN origin_id TEXT;
      ALTER TABLE generations ADD COLUMN chain_id TEXT;
      ALTER TABLE generations ADD COLUMN joined_media_json TEXT;
      CREATE INDEX generations_chain ON generations (chain_id, created_at) WHERE chain_id IS NOT NULL;
      `,
  },
  {
    version: 5,
    name: "favorites: a person's marked videos, per platform and user",
    up: `
      CREATE TABLE favorites (
        platform TEXT NOT NULL,
        user_id TEXT COLLATE "C" NOT NULL,
        generation_id TEXT COLLATE "C" NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (platform, user_id, generation_id)
      );
      CREATE INDEX favorites_generation ON favorites (generation_id);
    `,
  },
  {
    version: 6,
    name: 'moderation: the age-restricted categories a generation was flagged in (spoilers, blurred posters)',
    up: `
      -- JSON array of OpenAI moderation categories in MODERATION_NSFW_CATEGORIES; NULL when none
      ALTER TABLE generations ADD COLUMN restricted_categories_json TEXT;
      `,
  },
  {
    version: 7,
    name: 'groups: generations started together (compare, batch) and their grid video',
    up: `
      CREATE TABLE generation_groups (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('compare', 'batch')),
        platform TEXT NOT NULL,
        workspace_id TEXT,
        channel_id TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        prompt TEXT,
        status TEXT NOT NULL,
        media_json TEXT,
        error TEXT,
        -- the clips admission refused when the group started: model, seed, code, reason
        refused_json TEXT,
        message_ref_json TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX generation_groups_status ON generation_groups (status, created_at);
      CREATE TABLE generation_group_members (
        generation_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        position INTEGER NOT NULL
      );
      CREATE INDEX generation_group_members_group ON generation_group_members (group_id, position);
      `,
  },
  {
    version: 8,
    name: "a place's models, for its gallery link's model filter, read from one index",
    up: `
      -- An index-only scan in model order for a server's models (see SQLite's migration 15).
      CREATE INDEX generations_place_models ON generations (platform, workspace_id, model, channel_id);
      `,
  },
];

/** Any number both engines' processes agree on: the advisory lock that serialises migrations. */
const migrationLock = 0x7265656c; // "reel"

/**
 * Applies every migration the database has not seen, in one transaction under an advisory lock, so
 * two processes starting at once do not both migrate: the second waits, then finds nothing to do.
 */
export async function migratePostgres(
  db: Kysely<PostgresSchema>,
  list: readonly PostgresMigration[] = postgresMigrations,
): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${migrationLock})`.execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`.execute(tx);
    const applied = new Set(
      (await tx.selectFrom('schema_migrations').select('version').execute()).map((row) => row.version),
    );
    const ran: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await sql.raw(migration.up).execute(tx);
      await tx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: Date.now() })
        .execute();
      ran.push(migration.version);
    }
    return ran;
  });
}
