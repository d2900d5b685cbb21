import { checkBlocks } from './block-limits.js';
import { type MethodHandler, requireString, SlackApiFault } from './method-types.js';
import type { FakeWorkspace } from './workspace.js';

function channelOf(workspace: FakeWorkspace, id: string) {
  // A user id as channel means the app's direct messages with that person, as in Slack.
  if (/^[UW][A-Z0-9]+$/.test(id)) {
    const dm = `D${id.slice(1)}`;
    if (!workspace.channels.has(dm)) workspace.channels.set(dm, { id: dm, name: id, isMember: true });
    return workspace.channels.get(dm)!;
  }
  const channel = workspace.channels.get(id);
  if (!channel && !/^[CGD][A-Z0-9]+$/.test(id)) throw new SlackApiFault('channel_not_found');
  if (channel && !channel.isMember) throw new SlackApiFault('not_in_channel');
  return channel ?? { id, name: id.toLowerCase(), isMember: true };
}

function checkContent(args: Record<string, unknown>) {
  if (args.text === undefined && args.blocks === undefined) throw new SlackApiFault('no_text');
  if (typeof args.text === 'string' && args.text.length > 40_000) throw new SlackApiFault('msg_too_long');
  const problems = checkBlocks(args.blocks, 50, '/blocks');
  if (problems.length > 0)
    throw new SlackApiFault('invalid_blocks', { response_metadata: { messages: problems } });
}

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': ({ args, workspace }) => {
    const channel = channelOf(workspace, requireString(args, 'channel'));
    checkContent(args);
    const ts = workspace.nextTs();
    const message = {
      channel: channel.id,
      ts,
      threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : undefined,
      user: workspace.botUserId,
      text: args.text as string | undefined,
      blocks: args.blocks as unknown[] | undefined,
      edits: 0,
    };
    workspace.messages.set(`${channel.id}/${ts}`, message);
    return {
      ok: true,
      channel: channel.id,
      ts,
      message: { type: 'message', user: message.user, ts, text: message.text, blocks: message.blocks },
    };
  },

  'chat.update': ({ args, workspace }) => {
    const channel = requireString(args, 'channel');
    const ts = requireString(args, 'ts');
    const message = workspace.messages.get(`${channel}/${ts}`);
    if (!message) throw new SlackApiFault('message_not_found');
    if (message.user !== workspace.botUserId) throw new SlackApiFault('cant_update_message');
    checkContent(args);
    if (args.text !== undefined) message.text = args.text as string;
    if (args.blocks !== undefined) message.blocks = args.blocks as unknown[];
    message.edits++;
    return {
      ok: true,
      channel,
      ts,
      text: message.text,
      message: { text: message.text, blocks: message.blocks },
    };
  },

  'chat.postEphemeral': ({ args, workspace }) => {
    const channel = channelOf(workspace, requireString(args, 'channel'));
    requireString(args, 'user');
    checkContent(args);
    return { ok: true, message_ts: workspace.nextTs(), channel: channel.id };
  },
};
