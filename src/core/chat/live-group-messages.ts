import type { GroupEvent } from '../generations/groups/types.js';
import type { EditThrottle } from './edit-throttle.js';

/** How a platform opens the throttled message of one group, and where it reads its ref. */
export interface LiveGroupMessagesOptions<Ref> {
  /** The platform whose groups these are; other platforms' events are ignored. */
  platform: string;
  /**
   * The message ref kept with a group, or undefined when there is none or its final state is
   * already shown (nothing left to edit).
   */
  openRef(event: GroupEvent): Ref | undefined;
  /** The edit throttle of one group's message; it calls `done(groupId)` once its final edit is sent. */
  open(groupId: string, ref: Ref): EditThrottle<GroupEvent>;
}

/**
 * The live messages of groups (compare, batch) on one platform: one throttled message per group,
 * opened at its first event, flushed at once when the group finishes, dropped once its final edit
 * is sent. Both bots keep their groups' messages this way; only the edits differ.
 */
export function createLiveGroupMessages<Ref>(options: LiveGroupMessagesOptions<Ref>) {
  const live = new Map<string, EditThrottle<GroupEvent>>();
  let closed = false;
  const idle = () => Promise.all([...live.values()].map((throttle) => throttle.idle()));

  return {
    /** Renders a group event of this platform whose message is known and not yet final. */
    handle(event: GroupEvent) {
      if (closed || event.group.requester.platform !== options.platform) return;
      let throttle = live.get(event.group.id);
      if (!throttle) {
        const ref = options.openRef(event);
        if (ref === undefined) return;
        throttle = options.open(event.group.id, ref);
        live.set(event.group.id, throttle);
      }
      throttle.push(event);
      if (event.type === 'finished') void throttle.flush();
    },
    /** The group's final edit is sent: forget its message. */
    done(groupId: string) {
      live.delete(groupId);
    },
    async idle() {
      await idle();
    },
    async close() {
      closed = true;
      await idle();
      for (const throttle of live.values()) throttle.close();
      live.clear();
    },
  };
}
