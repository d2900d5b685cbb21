/** `reelbot simulate`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('reelbot simulate is not available yet.\n');
  return 1;
}
