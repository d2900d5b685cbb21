import type { Platform } from './types.js';

/*
 * The port favorites are kept behind: declared here, beside the generation store's, and implemented
 * by src/core/store on both engines. A favorite belongs to one person of one platform, so the same
 * user id on Discord and on Slack are two people.
 */

/** The person who marks favorites: a user of one platform. */
export interface Fan {
  platform: Platform;
  userId: string;
}

/** Favorites per (platform, user, generation). A generation's favorites go with it when it is deleted. */
export interface FavoriteStore {
  /** Marks or unmarks; answers whether it is marked now. Marking twice is one favorite. */
  set(fan: Fan, generationId: string, favorite: boolean): Promise<boolean>;
  /** Flips the mark (a chat button): unmarks when marked, else marks; answers whether it is marked now. */
  toggle(fan: Fan, generationId: string): Promise<boolean>;
  has(fan: Fan, generationId: string): Promise<boolean>;
  /** How many people marked each generation; generations nobody marked are absent. */
  counts(generationIds: readonly string[]): Promise<Map<string, number>>;
}

/** `discord:123` ↔ a fan, as the gallery's `favorites` filter and the API write them. */
export function fanKey(fan: Fan): string {
  return `${fan.platform}:${fan.userId}`;
}

const platforms: readonly Platform[] = ['discord', 'slack', 'cli', 'web'];

/** Reads {@link fanKey}'s text; undefined for anything else. */
export function parseFanKey(text: string): Fan | undefined {
  const match = /^([a-z]+):([A-Za-z0-9_.-]{1,64})$/.exec(text);
  if (!match || !platforms.includes(match[1] as Platform)) return undefined;
  return { platform: match[1] as Platform, userId: match[2]! };
}
