import { describe, expect, it } from 'vitest';
import { createEditThrottle } from '../../../../src/core/chat/edit-throttle.js';
import { createLiveGroupMessages } from '../../../../src/core/chat/live-group-messages.js';
import type { GenerationGroup, GroupEvent } from '../../../../src/core/generations/groups/types.js';
import { realTimers } from '../../../../src/core/timers.js';

function group(id: string, patch: Partial<GenerationGroup> = {}): GenerationGroup {
  return {
    id,
    kind: 'batch',
    requester: { platform: 'discord', userId: 'u1' },
    memberIds: [],
    status: 'succeeded',
    refused: [],
    messageRef: { shown: false },
    createdAt: 1,
    updatedAt: 1,
    ...patch,
  };
}

/** Live messages whose sends are recorded; a ref with `shown: true` is a message already final. */
function live() {
  const sent: GroupEvent[] = [];
  const messages = createLiveGroupMessages<string>({
    platform: 'discord',
    openRef: (event) => (event.group.messageRef?.shown ? undefined : event.group.id),
    open: (groupId) =>
      createEditThrottle<GroupEvent>({
        intervalMs: 0,
        clock: Date.now,
        timers: realTimers,
        async send(event) {
          sent.push(event);
          if (event.type === 'finished') messages.done(groupId);
        },
        onError() {},
      }),
  });
  return { messages, sent };
}

describe('live group messages', () => {
  it('shows a group’s end once, however often it is told', async () => {
    const { messages, sent } = live();
    const end: GroupEvent = { type: 'finished', group: group('grp_a'), members: [] };
    messages.handle(end);
    await messages.idle();
    messages.handle(end);
    messages.handle({ type: 'member', group: group('grp_a'), members: [] });
    await messages.idle();
    expect(sent.map((event) => `${event.group.id}:${event.type}`)).toEqual(['grp_a:finished']);
  });

  it('catches up on the ended groups of its platform whose message is not final, once', async () => {
    const { messages, sent } = live();
    const ended: GroupEvent[] = [
      { type: 'finished', group: group('grp_owed'), members: [] },
      { type: 'finished', group: group('grp_shown', { messageRef: { shown: true } }), members: [] },
      {
        type: 'finished',
        group: group('grp_slack', { requester: { platform: 'slack', userId: 'u2' } }),
        members: [],
      },
    ];
    const asked: [string, number][] = [];
    const source = {
      async ended(platform: 'discord' | 'slack' | 'cli' | 'web', since: number) {
        asked.push([platform, since]);
        return ended;
      },
    };
    expect(await messages.catchUp(source, 500)).toBe(1);
    await messages.idle();
    expect(asked).toEqual([['discord', 500]]);
    expect(sent.map((event) => event.group.id)).toEqual(['grp_owed']);
    // The same end told again (over the bus, by a second catch-up) is not shown twice.
    expect(await messages.catchUp(source, 500)).toBe(0);
    messages.handle(ended[0]!);
    await messages.idle();
    expect(sent).toHaveLength(1);
  });
});
