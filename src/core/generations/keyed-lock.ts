/**
 * Runs async sections one at a time per key, first come first served; sections of different keys
 * run side by side. In process only: it orders the awaits of one process, and nothing more.
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    /** Runs `section` once every earlier section of `key` has settled; answers with its result. */
    run<T>(key: string, section: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      // A failed section must not block the next one: chain on its settlement, not its value.
      const result = previous.then(section, section);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        // The last section of a key removes the key, so the map holds only keys in use.
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** How many keys have a section running or waiting (for tests and shutdown). */
    get busyKeys(): number {
      return tails.size;
    },
  };
}

export type KeyedLock = ReturnType<typeof createKeyedLock>;
