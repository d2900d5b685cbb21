import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../core/config.js';
import { truncate } from '../core/forms/plan.js';
import {
  type CatalogCollection,
  type CatalogModel,
  catalogCollections,
  createCatalog,
} from '../core/replicate/catalog.js';
import { createReplicateApi } from '../core/replicate/client.js';
import { openStore } from '../core/store/index.js';

const usage =
  'Usage: reelbot models [--collection text-to-video|image-to-video] [--search TEXT] [--limit N] [--json]\n';

function table(models: CatalogModel[]): string {
  if (models.length === 0) return 'No models found.\n';
  const width = Math.max(...models.map((m) => m.ref.length));
  return models
    .map((m) => {
      const runs = m.runCount.toLocaleString('en-US').padStart(12);
      const image = m.needsImage ? 'image' : '     ';
      return `${m.ref.padEnd(width)}  ${runs} runs  ${image}  ${truncate(m.description.replace(/\s+/g, ' '), 70)}`;
    })
    .join('\n')
    .concat('\n');
}

/** `reelbot models`: lists video models from the cached Replicate catalog. */
export async function run(argv: string[]): Promise<number> {
  let values: { collection?: string; search?: string; limit?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        collection: { type: 'string' },
        search: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`reelbot models: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const collection = values.collection as CatalogCollection | undefined;
  if (collection !== undefined && !catalogCollections.includes(collection)) {
    process.stderr.write(`reelbot models: --collection must be one of ${catalogCollections.join(', ')}\n`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write('reelbot models: --limit must be a whole number above 0\n');
    return 2;
  }

  const config = loadConfig();
  if (!config.replicate.token) {
    process.stderr.write(
      'reelbot models needs REPLICATE_API_TOKEN: create a token at https://replicate.com/account/api-tokens and export REPLICATE_API_TOKEN=r8_...\n',
    );
    return 1;
  }
  // Log lines go to stderr so that --json output stays clean.
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, pino.destination(2));
  const database = await openStore(config);
  try {
    const catalog = createCatalog({
      api: createReplicateApi({ token: config.replicate.token, apiUrl: config.replicate.apiUrl, logger }),
      cache: database.catalogCache,
      ttlMs: config.catalogTtlMs,
      logger,
    });
    let models: CatalogModel[];
    if (values.search !== undefined) {
      // A command line can wait for Replicate; autocomplete is what needs the short timeout.
      models = await catalog.search(values.search, { collection, limit: limit ?? 25, timeoutMs: 60_000 });
    } else {
      const lists = await Promise.all(
        (collection ? [collection] : catalogCollections).map(catalog.listModels),
      );
      const seen = new Set<string>();
      models = lists.flat().filter((m) => !seen.has(m.ref) && seen.add(m.ref));
      if (limit !== undefined) models = models.slice(0, limit);
    }
    process.stdout.write(values.json ? `${JSON.stringify(models, null, 2)}\n` : table(models));
    return 0;
  } finally {
    await database.close();
  }
}
