// No imports: `reelbot backup` names the server without loading pg.

/** DATABASE_URL with its password hidden, for messages and logs. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
