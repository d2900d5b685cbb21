/**
 * Where a generation's status message lives. Kept with the generation (`messageRef`) so a
 * restarted bot edits the same message.
 */
export interface StatusRef {
  platform: 'slack';
  channel: string;
  ts: string;
  teamId?: string;
  /** The final state is shown: nothing left to edit. */
  closed?: boolean;
  /** The video is in the thread: do not upload it again. */
  delivered?: boolean;
  /** The Slack files of the video in the thread, so Delete can take them down. */
  fileIds?: string[];
  /** The scene JSON the Scene button put in the thread: a second press points there, not posts it again. */
  sceneFileId?: string;
}

/** Reads a status reference out of a generation's opaque `messageRef`. */
export function statusRefOf(messageRef: Record<string, unknown> | undefined): StatusRef | undefined {
  if (messageRef?.platform !== 'slack') return undefined;
  const { channel, ts } = messageRef;
  if (typeof channel !== 'string' || typeof ts !== 'string') return undefined;
  return {
    platform: 'slack',
    channel,
    ts,
    teamId: typeof messageRef.teamId === 'string' ? messageRef.teamId : undefined,
    closed: messageRef.closed === true,
    delivered: messageRef.delivered === true,
    fileIds: Array.isArray(messageRef.fileIds)
      ? messageRef.fileIds.filter((id): id is string => typeof id === 'string')
      : undefined,
    sceneFileId: typeof messageRef.sceneFileId === 'string' ? messageRef.sceneFileId : undefined,
  };
}
