import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { readFileCapped } from '../../read-capped.js';
import { defaultPrices } from './default-prices.js';

/** How one model is billed: by the second on a hardware of the table, or per video it makes. */
export type ModelPrice = { hardware: string } | { usdPerOutput: number };

/** What running things on Replicate costs, with where the numbers come from. */
export interface PriceTable {
  /** Where the prices were read (a URL, or the operator's own note). */
  source: string;
  /** When they were read, `YYYY-MM-DD`. */
  checkedOn: string;
  /** US dollars per second of each hardware, by Replicate's SKU (`gpu-a100-large`). */
  hardware: Record<string, number>;
  /** Models whose price is known, by `owner/name`. */
  models: Record<string, ModelPrice>;
}

const usd = z.number().nonnegative().finite();
const tableSchema = z.object({
  source: z.string().min(1),
  checkedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-12-02'),
  hardware: z.record(z.string(), usd).default({}),
  models: z
    .record(
      z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'model names are owner/name'),
      z.union([z.object({ hardware: z.string().min(1) }).strict(), z.object({ usdPerOutput: usd }).strict()]),
    )
    .default({}),
});

/** Price files are a few KB; anything near this is not one. */
const priceFileCap = 1024 * 1024;

/**
 * Checks a price table: every field well formed, and every model's hardware in the table, so a
 * typo never silently turns into "price unknown".
 */
export function parsePrices(value: unknown, origin: string): PriceTable {
  const parsed = tableSchema.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => `PRICES_FILE ${origin}: ${issue.path.join('.')} ${issue.message}`),
    );
  const table = parsed.data;
  const problems = Object.entries(table.models).flatMap(([model, price]) =>
    'hardware' in price && table.hardware[price.hardware] === undefined
      ? [`PRICES_FILE ${origin}: models.${model} runs on "${price.hardware}", which is not under hardware`]
      : [],
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return table;
}

/**
 * The prices reelbot uses: the shipped table, or `file` (PRICES_FILE) instead of it. The file has
 * the same shape; its hardware and models are merged over the shipped ones, so an operator only
 * writes what they add or change.
 */
export async function loadPrices(file?: string): Promise<PriceTable> {
  if (!file) return defaultPrices;
  const text = (await readFileCapped(file, priceFileCap, 'price file')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`PRICES_FILE ${file} is not JSON: ${(error as Error).message}`]);
  }
  const merged =
    json && typeof json === 'object'
      ? {
          ...json,
          hardware: { ...defaultPrices.hardware, ...(json as { hardware?: object }).hardware },
          models: { ...defaultPrices.models, ...(json as { models?: object }).models },
        }
      : json;
  return parsePrices(merged, file);
}
