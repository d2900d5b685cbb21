import type { GenerationCursor, GenerationPage } from '../generations/generation-store.js';
import { type GenerationRow, toGeneration } from './generation-rows.js';

/** How many generations a page holds when the caller names no size, and the most it may name. */
const defaultPageSize = 48;
const largestPageSize = 200;

/** The page size to read: the caller's, kept between 1 and {@link largestPageSize}. */
export function pageSize(requested: number | undefined): number {
  return Math.min(Math.max(requested ?? defaultPageSize, 1), largestPageSize);
}

/**
 * A row as both engines read it for a page; the favorited order adds how many people marked it
 * (PostgreSQL's COUNT arrives as a string).
 */
type PageRow = GenerationRow & { favorite_count?: number | string };

/**
 * One page from rows read with `LIMIT limit + 1`: the extra row only tells that there is a next
 * page, which starts after the page's last item. In the favorited order the cursor also carries
 * that item's favorite count, the order's first key.
 */
export function pageOf(rows: readonly PageRow[], limit: number): GenerationPage {
  const items = rows.slice(0, limit).map(toGeneration);
  const last = items.at(-1);
  if (rows.length <= limit || !last) return { items, next: undefined };
  const favorites = rows[limit - 1]!.favorite_count;
  const next: GenerationCursor = {
    createdAt: last.createdAt,
    id: last.id,
    ...(favorites === undefined ? {} : { favorites: Number(favorites) }),
  };
  return { items, next };
}
