/**
 * The fields of a generation's requester a place is read from (the generations' `Requester` fits;
 * declared here because generations stand on a floor above this module).
 */
export interface PlaceSource {
  platform: string;
  workspaceId?: string;
  channelId?: string;
  userId: string;
}

/**
 * Where a generation belongs, and so who may see it: a Discord server or Slack workspace (its
 * members), a direct message (that person alone), or the operator (the command line and the web).
 */
export type Place =
  | { kind: 'server'; platform: 'discord' | 'slack'; workspaceId: string }
  | { kind: 'dm'; platform: 'discord' | 'slack'; userId: string }
  | { kind: 'operator' };

// Slack's direct-message channel ids start with D; a workspace's other channels never do.
const isSlackDm = (channelId: string | undefined) => channelId?.startsWith('D') ?? false;

/** The place of a requester, from the platform, workspace, channel and user the store keeps. */
export function placeOf(requester: PlaceSource): Place {
  const { platform } = requester;
  if (platform !== 'discord' && platform !== 'slack') return { kind: 'operator' };
  if (!requester.workspaceId || (platform === 'slack' && isSlackDm(requester.channelId)))
    return { kind: 'dm', platform, userId: requester.userId };
  return { kind: 'server', platform, workspaceId: requester.workspaceId };
}

/** A stable text form, for tokens and logs: `discord:G1`, `slack-dm:U1`, `operator`. */
export function placeKey(place: Place): string {
  if (place.kind === 'operator') return 'operator';
  if (place.kind === 'dm') return `${place.platform}-dm:${place.userId}`;
  return `${place.platform}:${place.workspaceId}`;
}

/** Reads {@link placeKey}'s form back; undefined for anything else. */
export function parsePlaceKey(key: string): Place | undefined {
  if (key === 'operator') return { kind: 'operator' };
  const match = /^(discord|slack)(-dm)?:([A-Za-z0-9_-]{1,64})$/.exec(key);
  if (!match) return undefined;
  const platform = match[1] as 'discord' | 'slack';
  return match[2]
    ? { kind: 'dm', platform, userId: match[3]! }
    : { kind: 'server', platform, workspaceId: match[3]! };
}

/** Whether a generation belongs to a place. */
export function isInPlace(generation: { requester: PlaceSource }, place: Place): boolean {
  return placeKey(placeOf(generation.requester)) === placeKey(place);
}
