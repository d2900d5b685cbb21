import { type MethodHandler, requireString, SlackApiFault } from './method-types.js';
import { type FakeFile, type FakeWorkspace, fileJson, sniffType } from './workspace.js';

/** Where the fake serves a file's bytes; only the bot token with `files:read` may read them. */
export function privateUrls(workspace: FakeWorkspace, id: string, name: string) {
  const base = `${workspace.baseUrl}/files-pri/${workspace.teamId}-${id}`;
  return {
    url_private: `${base}/${encodeURIComponent(name)}`,
    url_private_download: `${base}/download/${encodeURIComponent(name)}`,
  };
}

/** Adds a file as if a person had uploaded it to Slack (for file_input and shared messages). */
export function addFile(
  workspace: FakeWorkspace,
  options: { name: string; bytes: Buffer; user?: string; mimetype?: string; channel?: string },
): FakeFile {
  const id = workspace.nextId('F');
  const sniffed = sniffType(options.bytes, options.name);
  const file: FakeFile = {
    id,
    name: options.name,
    title: options.name,
    mimetype: options.mimetype ?? sniffed.mimetype,
    filetype: sniffed.filetype,
    size: options.bytes.length,
    bytes: options.bytes,
    user: options.user ?? 'U0PERSON1',
    channels: options.channel ? [options.channel] : [],
    ...privateUrls(workspace, id, options.name),
  };
  workspace.files.set(id, file);
  return file;
}

function parseFileList(value: unknown): { id: string; title?: string }[] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list) || list.length === 0) throw new SlackApiFault('invalid_arguments');
  return list as { id: string; title?: string }[];
}

export const fileMethods: Record<string, MethodHandler> = {
  'files.getUploadURLExternal': ({ args, workspace }) => {
    const filename = requireString(args, 'filename');
    const length = Number(args.length);
    if (!Number.isInteger(length) || length <= 0) throw new SlackApiFault('invalid_arguments');
    const fileId = workspace.nextId('F');
    workspace.uploads.set(fileId, { fileId, filename, length });
    return { ok: true, upload_url: `${workspace.baseUrl}/upload/v1/${fileId}`, file_id: fileId };
  },

  'files.completeUploadExternal': ({ args, workspace }) => {
    const requested = parseFileList(args.files);
    const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    if (threadTs && !channel) throw new SlackApiFault('invalid_arguments');
    const files = requested.map(({ id, title }) => {
      const upload = workspace.uploads.get(id);
      if (!upload) throw new SlackApiFault('file_not_found');
      if (!upload.bytes) throw new SlackApiFault('file_upload_not_complete');
      if (upload.bytes.length !== upload.length) throw new SlackApiFault('file_upload_size_mismatch');
      workspace.uploads.delete(id);
      const sniffed = sniffType(upload.bytes, upload.filename);
      const file: FakeFile = {
        id,
        name: upload.filename,
        title: title ?? upload.filename,
        ...sniffed,
        size: upload.bytes.length,
        bytes: upload.bytes,
        user: workspace.botUserId,
        channels: channel ? [channel] : [],
        threadTs,
        ...privateUrls(workspace, id, upload.filename),
      };
      workspace.files.set(id, file);
      return file;
    });
    if (channel) {
      const ts = workspace.nextTs();
      workspace.messages.set(`${channel}/${ts}`, {
        channel,
        ts,
        threadTs,
        user: workspace.botUserId,
        text: typeof args.initial_comment === 'string' ? args.initial_comment : undefined,
        blocks: args.blocks as unknown[] | undefined,
        files,
        edits: 0,
      });
    }
    return { ok: true, files: files.map(fileJson) };
  },

  /** The bot may delete the files it uploaded; they leave their thread messages too. */
  'files.delete': ({ args, workspace }) => {
    const id = requireString(args, 'file');
    const file = workspace.files.get(id);
    if (!file) throw new SlackApiFault('file_not_found');
    if (file.user !== workspace.botUserId) throw new SlackApiFault('cant_delete_file');
    workspace.files.delete(id);
    for (const message of workspace.messages.values())
      if (message.files) message.files = message.files.filter((f) => f.id !== id);
    return { ok: true };
  },

  'files.info': ({ args, workspace }) => {
    const file = workspace.files.get(requireString(args, 'file'));
    if (!file) throw new SlackApiFault('file_not_found');
    return { ok: true, file: fileJson(file) };
  },
};

export const workspaceMethods: Record<string, MethodHandler> = {
  'auth.test': ({ workspace }) => ({
    ok: true,
    url: `https://${workspace.teamDomain}.slack.com/`,
    team: 'reelbot test',
    user: 'reelbot',
    team_id: workspace.teamId,
    user_id: workspace.botUserId,
    bot_id: workspace.botId,
    is_enterprise_install: false,
  }),

  'conversations.info': ({ args, workspace }) => {
    const id = requireString(args, 'channel');
    const channel = workspace.channels.get(id);
    if (!channel) throw new SlackApiFault('channel_not_found');
    return {
      ok: true,
      channel: { id, name: channel.name, is_channel: true, is_private: false, is_member: channel.isMember },
    };
  },

  // Everyone is a member the fake knows by id; `admins` and `owners` name who holds those roles.
  'users.info': ({ args, workspace }) => {
    const id = requireString(args, 'user');
    const isOwner = workspace.owners.has(id);
    return {
      ok: true,
      user: {
        id,
        team_id: workspace.teamId,
        name: id.toLowerCase(),
        deleted: false,
        is_admin: isOwner || workspace.admins.has(id),
        is_owner: isOwner,
        is_primary_owner: false,
        is_bot: false,
      },
    };
  },
};
