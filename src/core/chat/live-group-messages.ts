import type { GroupService } from '../generations/groups/group-service.js';
import type { GroupEvent } from '../generations/groups/types.js';
import type { Platform } from '../generations/types.js';
import type { EditThrottle } from './edit-throttle.js';

/** How a platform opens the throttled message of one group, and where it reads its ref. */
export interface LiveGroupMessagesOptions<Ref> {
  /** The platform whose groups these are; other platforms' events are ignored. */
  platform: Platform;
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
  // Groups whose end this process has already taken on: the same end may come twice (told over the
  // bus and found by the catch-up at start, before the ref that says "shown" is stored).
  const ended = new Set<string>();
  let closed = false;
  const idle = () => Promise.all([...live.values()].map((throttle) => throttle.idle()));

  /** Renders the event when its group's message is known and not yet final; says whether it did. */
  function handle(event: GroupEvent): boolean {
    if (closed || event.group.requester.platform !== options.platform) return false;
    if (ended.has(event.group.id)) return false;
    let throttle = live.get(event.group.id);
    if (!throttle) {
      const ref = options.openRef(event);
      if (ref === undefined) return false;
      throttle = options.open(event.group.id, ref);
      live.set(event.group.id, throttle);
    }
    throttle.push(event);
    if (event.type === 'finished') {
      ended.add(event.group.id);
      void throttle.flush();
    }
    return true;
  }

  return {
    /** Renders a group event of this platform whose message is known and not yet final. */
    handle(event: GroupEvent): void {
      handle(event);
    },
    /**
     * Shows the end of this platform's groups that ended since `since` with their message left
     * unfinished (the bot was down, or stopped before the final edit). Call once at start, before
     * the group service resumes, so groups it finishes then are told only by their own event.
     */
    async catchUp(groups: Pick<GroupService, 'ended'>, since: number): Promise<number> {
      let shown = 0;
      for (const event of await groups.ended(options.platform, since)) if (handle(event)) shown++;
      return shown;
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
