/** `reelbot form`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('reelbot form is not available yet.\n');
  return 1;
}
