import type { Database } from 'better-sqlite3';

/** A numbered schema change. Numbers only grow; a migration never changes once released. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'generations and catalog cache',
    up: `
      CREATE TABLE generations (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('replicate', 'simulation')),
        platform TEXT NOT NULL,
        workspace_id TEXT,
        channel_id TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        model TEXT NOT NULL,
        version TEXT,
        prompt TEXT,
        input_json TEXT NOT NULL DEFAULT '{}',
        seed INTEGER,
        prediction_id TEXT UNIQUE,
        -- set before the create request is sent, so a crash in between is detectable
        prediction_requested_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('queued','starting','processing','downloading','succeeded','failed','canceled')),
        error TEXT,
        error_code TEXT,
        upstream_error TEXT,
        progress REAL,
        last_log TEXT,
        -- the expiring Replicate URL; internal only, cleared once downloaded
        output_url TEXT,
        extra_outputs_json TEXT,
        media_path TEXT,
        media_sha256 TEXT,
        media_bytes INTEGER,
        media_mime TEXT,
        media_width INTEGER,
        media_height INTEGER,
        media_duration REAL,
        poster_path TEXT,
        download_claim TEXT,
        download_claimed_at INTEGER,
        download_attempts INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        message_ref_json TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX generations_created ON generations (created_at DESC, id DESC);
      CREATE INDEX generations_status_created ON generations (status, created_at DESC, id DESC);
      CREATE INDEX generations_user_status ON generations (platform, user_id, status);
      CREATE INDEX generations_model_created ON generations (model, created_at DESC, id DESC);
      CREATE INDEX generations_platform_created ON generations (platform, created_at DESC, id DESC);
      CREATE INDEX generations_source_created ON generations (source, created_at DESC, id DESC);

      -- free-text search over prompts for the gallery
      CREATE VIRTUAL TABLE generations_fts USING fts5(prompt, content='generations', content_rowid='rowid');
      CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
        INSERT INTO generations_fts (rowid, prompt) VALUES (new.rowid, coalesce(new.prompt, ''));
      END;
      CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
        INSERT INTO generations_fts (generations_fts, rowid, prompt) VALUES ('delete', old.rowid, coalesce(old.prompt, ''));
      END;
      CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt ON generations BEGIN
        INSERT INTO generations_fts (generations_fts, rowid, prompt) VALUES ('delete', old.rowid, coalesce(old.prompt, ''));
        INSERT INTO generations_fts (rowid, prompt) VALUES (new.rowid, coalesce(new.prompt, ''));
      END;

      CREATE TABLE catalog_cache (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );

      -- webhook ids already handled, so a replayed delivery is ignored
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        received_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'gallery indexes: by user, and status together with model or platform',
    up: `
      -- the /gallery link filters by user alone; (platform, user_id, status) cannot serve it
      CREATE INDEX generations_user_created ON generations (user_id, created_at DESC, id DESC);
      -- the gallery's status filter is mostly combined with one other; rare pairs otherwise scan
      CREATE INDEX generations_model_status_created ON generations (model, status, created_at DESC, id DESC);
      CREATE INDEX generations_platform_status_created ON generations (platform, status, created_at DESC, id DESC);
    `,
  },
  {
    version: 3,
    name: 'download claims carry a heartbeat; webhook deliveries are pruned by age',
    up: `
      -- the claim's owner beats every few seconds; a claim that stopped beating is taken over
      ALTER TABLE generations ADD COLUMN download_heartbeat_at INTEGER;
      UPDATE generations SET download_heartbeat_at = download_claimed_at WHERE download_claim IS NOT NULL;
      -- deliveries older than the replay window are deleted by age
      CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
    `,
  },
  {
    version: 4,
    name: 'predict_time: how long Replicate ran each prediction, for time-left estimates',
    up: `
      -- Replicate's metrics.predict_time in seconds; the median of a model's recent ones is its typical run
      ALTER TABLE generations ADD COLUMN predict_time REAL;
    `,
  },
  {
    version: 5,
    name: 'spend: Replicate metrics, simulation CPU time and cost per generation; usage by server',
    up: `
      -- Replicate's metrics besides predict_time, as it sent them
      ALTER TABLE generations ADD COLUMN metrics_json TEXT;
      -- local CPU seconds of a simulation
      ALTER TABLE generations ADD COLUMN cpu_seconds REAL;
      -- estimated US dollars from the price table at the time; NULL when the price was unknown
      ALTER TABLE generations ADD COLUMN cost_usd REAL;
      -- a server's usage today and this week (quotas, /usage)
      CREATE INDEX generations_workspace_created ON generations (platform, workspace_id, created_at);
    `,
  },
  {
    version: 6,
    name: 'revoked gallery links, by signature, kept until they would have expired',
    up: `
      CREATE TABLE revoked_links (
        signature TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'the search index vocabulary, to turn a typed prefix into the exact terms it starts',
    up: `
      -- read-only view of generations_fts's terms; holds no data of its own (core/store/search-terms.ts)
      CREATE VIRTUAL TABLE generations_fts_terms USING fts5vocab(generations_fts, 'row');
    `,
  },
  {
    version: 8,
    name: 'server settings set in chat, and the audit log of every change',
    up: `
      -- one row per setting a server changed from the environment's default; the value as JSON
      CREATE TABLE server_settings (
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (platform, workspace_id, key)
      );
      -- who changed what, when, from what to what (NULL: the default)
      CREATE TABLE settings_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        key TEXT NOT NULL,
        old_json TEXT,
        new_json TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX settings_audit_place ON settings_audit (platform, workspace_id, id);
      `,
  },
  {
    version: 9,
    name: "refused requests for the operator's page; operator sessions that outlive a restart",
    up: `
      -- every request admission refused (quota, limits, blocked terms, ...), kept 90 days
      CREATE TABLE refusals (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        platform TEXT NOT NULL,
        workspace_id TEXT,
        user_id TEXT NOT NULL,
        user_name TEXT,
        model TEXT,
        code TEXT NOT NULL
      );
      CREATE INDEX refusals_created ON refusals (created_at);
      -- the operator's web sessions and one-time sign-in links, by the sha256 of their secret
      CREATE TABLE operator_sessions (
        secret_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'sign-in')),
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX operator_sessions_expires ON operator_sessions (expires_at);
      `,
  },
  {
    version: 10,
    name: 'lineage: the generation each came from, and chains of extends with their joined video',
    up: `
      -- 'extend' | 'edit' | 'reroll', and the generation it came from
      ALTER TABLE generations ADD COLUMN origin_kind TEXT;
      ALTER TABLE generations ADD COLUMN origin_id TEXT;
      -- the id of a chain's first part, on every part of it
      ALTER TABLE generations ADD COLUMN chain_id TEXT;
      -- the chain's parts up to this one joined into one video (StoredMedia as JSON)
      ALTER TABLE generations ADD COLUMN joined_media_json TEXT;
      CREATE INDEX generations_chain ON generations (chain_id, created_at) WHERE chain_id IS NOT NULL;
      `,
  },
  {
    version: 11,
    name: "favorites: a person's marked videos, per platform and user",
    up: `
      -- one row per (person, video); deleting the video deletes its favorites (foreign_keys is on)
      CREATE TABLE favorites (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (platform, user_id, generation_id)
      );
      -- the star count of a card
      CREATE INDEX favorites_generation ON favorites (generation_id);
    `,
  },
  {
    version: 12,
    name: 'moderation: the age-restricted categories a generation was flagged in (spoilers, blurred posters)',
    up: `
      -- JSON array of OpenAI moderation categories in MODERATION_NSFW_CATEGORIES; NULL when none
      ALTER TABLE generations ADD COLUMN restricted_categories_json TEXT;
      `,
  },
  {
    version: 13,
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
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX generation_groups_status ON generation_groups (status, created_at);
      -- a generation is in at most one group; position is its tile in the grid
      CREATE TABLE generation_group_members (
        generation_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        position INTEGER NOT NULL
      );
      CREATE INDEX generation_group_members_group ON generation_group_members (group_id, position);
      `,
  },
  {
    version: 14,
    name: 'generations inserted out of time order, so a search proves its page without walking the index',
    up: `
      -- A generation that sorts below one inserted before it (an import, a clock step back, an id
      -- that loses a tie within a millisecond). A search reads the newest matches by rowid; only
      -- these rows can put a row outside the matches read into its page (see generation-list.ts).
      CREATE TABLE generations_out_of_order (rowid INTEGER PRIMARY KEY);
      -- Rows already there: below the newest created_at before them, or level with it and a lower id.
      INSERT INTO generations_out_of_order (rowid)
        SELECT w.rowid FROM (
          SELECT rowid, created_at, id,
            max(created_at) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS top
          FROM generations) AS w
        WHERE w.top > w.created_at
          OR (w.top = w.created_at AND EXISTS (SELECT 1 FROM generations o
            WHERE o.created_at = w.created_at AND o.id > w.id AND o.rowid < w.rowid));
      -- The created_at index holds the check to the entries at or above the new row: one or two in time order.
      CREATE TRIGGER generations_out_of_order_insert AFTER INSERT ON generations
      WHEN EXISTS (SELECT 1 FROM generations o WHERE o.created_at >= new.created_at AND o.rowid < new.rowid
        AND (o.created_at > new.created_at OR o.id > new.id))
      BEGIN
        INSERT OR IGNORE INTO generations_out_of_order (rowid) VALUES (new.rowid);
      END;
      -- Nothing moves created_at today; should something, the rows it now sorts against are marked too.
      CREATE TRIGGER generations_out_of_order_update AFTER UPDATE OF created_at, id ON generations BEGIN
        INSERT OR IGNORE INTO generations_out_of_order (rowid)
          SELECT o.rowid FROM generations o WHERE o.rowid >= new.rowid;
      END;
      CREATE TRIGGER generations_out_of_order_delete AFTER DELETE ON generations BEGIN
        DELETE FROM generations_out_of_order WHERE rowid = old.rowid;
      END;
      `,
  },
  {
    version: 15,
    name: "a place's models, for its gallery link's model filter, read from one index",
    up: `
      -- A server's models in order straight from the index: the workspace index (platform,
      -- workspace_id, created_at) found the rows but read each from the table and sorted them for
      -- DISTINCT. channel_id makes it covering for Slack, whose DMs keep a team id (place-models.ts).
      CREATE INDEX generations_place_models ON generations (platform, workspace_id, model, channel_id);
      `,
  },
];

/**
 * Applies every migration the database has not seen, all in one IMMEDIATE transaction: it takes
 * the write lock before reading what was applied, so processes first started together on a new
 * DATA_DIR wait for each other (busy_timeout) rather than both running the same migration.
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): number[] {
  return db
    .transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
      const applied = new Set(
        (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
          (row) => row.version,
        ),
      );
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      const ran: number[] = [];
      for (const migration of [...list].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        db.exec(migration.up);
        record.run(migration.version, migration.name, Date.now());
        ran.push(migration.version);
      }
      return ran;
    })
    .immediate();
}
