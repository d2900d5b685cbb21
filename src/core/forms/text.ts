/** The one character that says "cut here"; it counts as one toward every platform limit. */
export const ellipsis = '…';

/**
 * Cuts `text` to at most `max` characters (UTF-16 units, as both platforms count), ending in an
 * ellipsis when it had to cut, and never splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}${ellipsis}`;
}

/** Collapses whitespace and line breaks, for one-line texts such as labels and placeholders. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
