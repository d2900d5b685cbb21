const discordEpoch = 1_420_070_400_000n;
let increment = 0n;

/** A Discord-shaped snowflake: milliseconds since the Discord epoch, then a counter. */
export function snowflake(now: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(now) - discordEpoch) << 22n) | increment).toString();
}

/** A random-looking interaction token (Discord's are long opaque strings). */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${snowflake()}${Math.random().toString(36).slice(2)}`;
}
