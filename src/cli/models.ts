/** `reelbot models`: not built yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('reelbot models is not available yet.\n');
  return 1;
}
