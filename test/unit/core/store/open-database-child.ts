// A separate process that opens the DATA_DIR given as its argument, for the test of processes
// started together (database.test.ts): it says when it is about to open, then which migrations it ran.
import { openDatabase } from '../../../../src/core/store/index.js';

const dataDir = process.argv[2]!;
process.stdout.write('opening\n');
const db = openDatabase(dataDir);
const versions = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
process.stdout.write(`${JSON.stringify(versions.map((row) => row.version))}\n`);
db.close();
