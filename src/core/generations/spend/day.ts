/** A day in ms. */
export const dayMs = 86_400_000;

/** Midnight UTC that starts the day `now` is in: quotas count from here and reset at the next. */
export function utcDayStart(now: number): number {
  return Math.floor(now / dayMs) * dayMs;
}

/** The start of the last seven UTC days, today included: a server's week in `/usage`. */
export function utcWeekStart(now: number): number {
  return utcDayStart(now) - 6 * dayMs;
}
