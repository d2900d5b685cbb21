import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import type { GenerationCursor, GenerationFilter } from '../core/generations/generation-store.js';

/** How many cards a gallery page and an API page hold. */
export const pageSize = 48;

/** Every status a filter accepts; `running` means any unfinished one. */
export const statusFilters = [
  'running',
  'queued',
  'starting',
  'processing',
  'downloading',
  'succeeded',
  'failed',
  'canceled',
] as const;
export const platformFilters = ['discord', 'slack', 'cli', 'web'] as const;
export const sourceFilters = ['replicate', 'simulation'] as const;

/** An id as the store makes them (`g_...`); anything else cannot name a generation. */
export const generationIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

// Forms submit empty selects as `status=`, which means "any".
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const text = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
/** How much of a search is kept: the store reads its first eight words anyway. */
export const searchLength = 200;
// A search is what a person typed or pasted: too long is cut, never refused, and a repeated `q`
// (a hand-edited URL) counts once, so searching never shows an error page.
const searchText = z.preprocess((value) => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim().slice(0, searchLength) : undefined;
}, z.string().optional());
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(blankToUndefined, z.enum(values).optional());

const querySchema = z.object({
  status: oneOf(statusFilters),
  model: text(200),
  platform: oneOf(platformFilters),
  source: oneOf(sourceFilters),
  user: text(100),
  q: searchText,
  after: text(200),
  /** Whose favorites: checked against the request's grant by favorites-filter.ts. */
  favorites: text(100),
});

/** The gallery's and the API's query string, validated. */
export interface ListQuery {
  filter: GenerationFilter;
  cursor?: GenerationCursor;
  /** The raw values, for links and the filter form. */
  params: Partial<Record<keyof z.infer<typeof querySchema>, string>>;
}

/** Encodes a keyset position as an opaque, URL-safe token (the favorited view's leads with its count). */
export function encodeCursor(cursor: GenerationCursor): string {
  const favorites = cursor.favorites === undefined ? '' : `${cursor.favorites}:`;
  return Buffer.from(`${favorites}${cursor.createdAt}:${cursor.id}`).toString('base64url');
}

/** Decodes {@link encodeCursor}; undefined when the token is not one of ours. */
export function decodeCursor(token: string): GenerationCursor | undefined {
  // Ids hold no colon, so a count before the time is told apart by the number of parts.
  const match = /^(?:(\d{1,9}):)?(\d{1,16}):(.+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || !generationIdPattern.test(match[3]!)) return undefined;
  return {
    createdAt: Number(match[2]),
    id: match[3]!,
    ...(match[1] === undefined ? {} : { favorites: Number(match[1]) }),
  };
}

/** Parses filters and the cursor from a query string; throws {@link ValidationError} naming each bad field. */
export function parseListQuery(query: unknown): ListQuery {
  const parsed = querySchema.safeParse(query ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        field: String(issue.path[0] ?? 'query'),
        message: `${String(issue.path[0] ?? 'query')} ${issue.message.toLowerCase()}`,
      })),
    );
  }
  const values = parsed.data;
  const cursor = values.after ? decodeCursor(values.after) : undefined;
  if (values.after && !cursor)
    throw new ValidationError([{ field: 'after', message: 'after is not a valid page cursor' }]);
  const params = Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined && value !== ''),
  ) as ListQuery['params'];
  return {
    filter: {
      status: values.status,
      model: values.model || undefined,
      platform: values.platform,
      source: values.source,
      userId: values.user || undefined,
      search: values.q || undefined,
    },
    cursor,
    params,
  };
}

/** A query string for these parameters, with `overrides` applied (undefined removes a key). */
export function queryString(
  params: ListQuery['params'],
  overrides: Partial<Record<keyof ListQuery['params'], string | undefined>> = {},
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...overrides })) {
    if (value) search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
