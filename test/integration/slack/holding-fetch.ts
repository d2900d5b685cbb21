/** Holds `files.info` calls until released, as a slow Slack would. */
export function holdingFetch() {
  let holding = true;
  const held: (() => void)[] = [];
  let heldOne: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    heldOne = resolve;
  });
  const fetchFn = async (url: string | URL, init?: RequestInit) => {
    if (holding && String(url).endsWith('/files.info')) {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        heldOne();
      });
    }
    return fetch(url, init);
  };
  return {
    fetchFn,
    firstHeld,
    release() {
      holding = false;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}
