/**
 * The counts a sentence said and the counts its scene holds. The builders cap what is asked (a
 * ramp rolls at most 120 bodies, one part of a composed sentence 300, all parts together share
 * the scene's 500), and every cap is noted here, so that "Read as" says what the video shows:
 * "120 red boxes (capped from 1000)", not the 1000 that were asked for.
 */
export class HeldCounts {
  private readonly held = new Map<string, number>();

  /** Notes that `said` bodies of `noun` became `held` in the scene, and returns `held`. */
  hold(noun: string | undefined, said: number | undefined, held: number): number {
    if (noun !== undefined && said !== undefined && held !== said) this.held.set(keyOf(noun, said), held);
    return held;
  }

  /** How many of the `said` `noun`s the scene holds: `said` when nothing changed it. */
  of(noun: string, said: number): number {
    return this.held.get(keyOf(noun, said)) ?? said;
  }
}

/** The head noun: "bowling ball" is read as one part and as the phrase "ball" by the other reader. */
function keyOf(noun: string, said: number): string {
  return `${noun.split(' ').at(-1)}:${said}`;
}

/**
 * What the reading adds when the scene holds another count than was asked for: fewer, " (capped
 * from 1000)"; more, " (raised from 0)", since a scene of none of them would be an empty video.
 */
export function cappedNote(said: number | undefined, held: number): string {
  if (said === undefined || held === said) return '';
  return held < said ? ` (capped from ${said})` : ` (raised from ${said})`;
}
