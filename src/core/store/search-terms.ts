import type { Database } from 'better-sqlite3';

/**
 * A typed word that starts more indexed words than this stays an FTS5 prefix term: an OR of a few
 * dozen exact terms is still cheaper than the prefix, but reading the vocabulary for a one-letter
 * word that starts thousands is not.
 */
export const maxExpansions = 32;

/** Words of a search, lower-cased, without FTS syntax of the person's: at most eight. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
}

/** The smallest string greater than every string that starts with `prefix` (ASCII only). */
function pastPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Builds the FTS5 query for what a person typed, with no FTS syntax of theirs: every typed word
 * must start a word of the prompt. The plain way to say that, `"fox"*`, is slow. FTS5 answers `"fox"*` by merging the posting
 * lists of every term that starts with "fox" into one list in memory, all of them, before the first
 * row; an exact term is read lazily, newest first, and stops at the page. So each word is looked up
 * in the index's vocabulary (`generations_fts_terms`, migration 7) and becomes the OR of the terms
 * it starts: `("fox" OR "foxglove")`. With 100,000 prompts this takes a common two-word search
 * from 1.1 ms to 0.4 ms.
 *
 * A word with a non-ASCII character stays a prefix term: the tokenizer folds case and accents by
 * its own tables, and only for ASCII is the word as typed exactly what it indexed. So does a word
 * that starts more than {@link maxExpansions} terms. Returns `undefined` when a word starts no
 * indexed term at all: nothing can match.
 */
export function createSearchQueryBuilder(db: Database) {
  // The range on `term` is served by the vocabulary table itself; terms are compared bytewise.
  const termsStarting = db
    .prepare<[string, string, number], string>(
      'SELECT term FROM generations_fts_terms WHERE term >= ? AND term < ? LIMIT ?',
    )
    .pluck();
  const vocabulary = createVocabularyCache(db);

  /** The part of the FTS query for one typed word, or undefined when it starts no indexed term. */
  function wordPart(word: string): string | undefined {
    if (!/^[a-z0-9]+$/.test(word)) return `"${word}"*`;
    const terms = termsStarting.all(word, pastPrefix(word), maxExpansions + 1);
    if (terms.length === 0) return undefined;
    return terms.length > maxExpansions
      ? `"${word}"*`
      : `(${terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ')})`;
  }

  return function searchQuery(text: string): string | undefined {
    const words = searchWords(text);
    if (words.length === 0) return '""';
    // Nothing writes between two words of one search: one look at the database's version will do.
    const wordParts = vocabulary();
    const parts: string[] = [];
    for (const word of words) {
      const part = wordParts(word, wordPart);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    // FTS5 joins bare phrases with an implicit AND, but a parenthesised group needs the keyword.
    return parts.join(' AND ');
  };
}

/** How many typed words the vocabulary cache keeps before it starts over. */
const cachedWords = 2_000;

/**
 * Each word's part of the query, kept while the database is unchanged. Reading the vocabulary is
 * the dearest step of a search (fts5vocab counts a term's documents by reading its whole posting
 * list: 0.5 ms for a word in 7,000 prompts at 100,000 generations), and the same few words are
 * searched again and again. Any write, by this connection (`total_changes()`) or another process
 * (`data_version`), may add or remove terms, so it empties the cache: a search never misses a term.
 */
function createVocabularyCache(db: Database) {
  const version = db.prepare<[], { changes: number; data: number }>(
    'SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS data',
  );
  const parts = new Map<string, string | undefined>();
  let seen = '';
  function cachedPart(word: string, read: (word: string) => string | undefined): string | undefined {
    if (parts.has(word)) return parts.get(word);
    const part = read(word);
    parts.set(word, part);
    return part;
  }
  /** The cache as it stands now: emptied first when the database changed since the last look. */
  return function current() {
    const now = version.get()!;
    const stamp = `${now.changes}:${now.data}`;
    if (stamp !== seen || parts.size >= cachedWords) {
      parts.clear();
      seen = stamp;
    }
    return cachedPart;
  };
}
