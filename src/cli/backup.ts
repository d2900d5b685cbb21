import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { backupDatabase } from '../core/store/backup.js';
import { databaseFile } from '../core/store/database.js';
import { describeServer } from '../core/store/postgres/server-name.js';

const usage = 'Usage: reelbot backup FILE [--force]\n';

/**
 * `reelbot backup FILE`: a consistent copy of the database under DATA_DIR, taken with SQLite's
 * backup API while reelbot runs. Media files are not in it (README, "Backups"). With DATABASE_URL
 * it says to use pg_dump instead.
 */
export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`reelbot backup: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(usage);
    return 2;
  }
  const config = loadConfig();
  if (config.database) {
    // PostgreSQL has its own consistent, online backup; copying its files would not be one.
    process.stderr.write(
      `reelbot backup copies the SQLite database under DATA_DIR, but DATABASE_URL puts the store on PostgreSQL (${describeServer(config.database.url)}).\n` +
        "Back it up with PostgreSQL's own tool while reelbot runs, for example:\n" +
        '  pg_dump --format=custom --file=reelbot.dump "$DATABASE_URL"\n' +
        'and restore it with pg_restore --dbname="$DATABASE_URL" reelbot.dump. Media files are not in it (README, "Backups").\n',
    );
    return 1;
  }
  const source = databaseFile(config.dataDir);
  const result = await backupDatabase(source, positionals[0]!, { overwrite: values.force });
  const mb = (result.bytes / (1024 * 1024)).toFixed(1);
  process.stdout.write(
    `Backed up ${source} to ${result.file}: ${result.generations} generations, ${mb} MB.\n`,
  );
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
}
