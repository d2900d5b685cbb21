/** `reelbot register-commands`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('reelbot register-commands is not available yet.\n');
  return 1;
}
