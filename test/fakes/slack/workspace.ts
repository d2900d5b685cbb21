/** A message the fake holds, as the bot last left it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  files?: FakeFile[];
  /** How many times chat.update changed it. */
  edits: number;
}

/** A modal the fake has open. */
export interface FakeView {
  id: string;
  hash: string;
  /** The view as the bot last sent it (views.open or views.update). */
  view: Record<string, unknown>;
  userId?: string;
}

/** A file in the workspace: shared by a person, or uploaded by the bot. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  bytes: Buffer;
  user: string;
  url_private: string;
  url_private_download: string;
  channels: string[];
  threadTs?: string;
}

/** An upload announced by files.getUploadURLExternal and not yet completed. */
export interface PendingUpload {
  fileId: string;
  filename: string;
  length: number;
  bytes?: Buffer;
}

/** The mutable world of one fake workspace. */
export interface FakeWorkspace {
  teamId: string;
  teamDomain: string;
  botToken: string;
  botUserId: string;
  botId: string;
  appId: string;
  /** Scopes the bot token holds; methods needing another answer `missing_scope`. */
  scopes: Set<string>;
  channels: Map<string, { id: string; name: string; isMember: boolean }>;
  messages: Map<string, FakeMessage>;
  views: Map<string, FakeView>;
  files: Map<string, FakeFile>;
  uploads: Map<string, PendingUpload>;
  /** Workspace admins and owners, by user id (users.info says is_admin / is_owner). */
  admins: Set<string>;
  owners: Set<string>;
  /** One-shot errors: the next call of a method answers `{ ok: false, error }`. */
  faults: { method: string; error: string; extra?: Record<string, unknown> }[];
  baseUrl: string;
  nextId(prefix: string): string;
  nextTs(): string;
}

/** Every scope reelbot asks for when installed. */
export const allScopes = [
  'commands',
  'chat:write',
  'files:read',
  'files:write',
  'channels:read',
  'users:read',
];

/** The scope each Web API method of the fake needs, as Slack documents it. */
export const requiredScope: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.info': 'files:read',
  'files.delete': 'files:write',
  'conversations.info': 'channels:read',
  'users.info': 'users:read',
};

export function createWorkspace(options: {
  botToken: string;
  teamId: string;
  scopes: string[];
}): FakeWorkspace {
  let counter = 0;
  let tsCounter = 0;
  return {
    teamId: options.teamId,
    teamDomain: 'reelbot-test',
    botToken: options.botToken,
    botUserId: 'U0BOT0001',
    botId: 'B0BOT0001',
    appId: 'A0APP0001',
    scopes: new Set(options.scopes),
    channels: new Map([['C0GENERAL', { id: 'C0GENERAL', name: 'general', isMember: true }]]),
    messages: new Map(),
    views: new Map(),
    files: new Map(),
    uploads: new Map(),
    admins: new Set(),
    owners: new Set(),
    faults: [],
    baseUrl: '',
    nextId(prefix) {
      counter++;
      return `${prefix}${counter.toString(36).toUpperCase().padStart(8, '0')}`;
    },
    nextTs() {
      tsCounter++;
      // Slack's ts is seconds.microseconds; a fixed epoch keeps them ordered and unique.
      return `1700000000.${tsCounter.toString().padStart(6, '0')}`;
    },
  };
}

/** Guesses a file's type from its first bytes, as Slack does for uploads. */
export function sniffType(bytes: Buffer, name: string): { mimetype: string; filetype: string } {
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return { mimetype: 'video/mp4', filetype: 'mp4' };
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG')
    return { mimetype: 'image/png', filetype: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { mimetype: 'image/jpeg', filetype: 'jpg' };
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return { mimetype: 'image/gif', filetype: 'gif' };
  if (bytes.subarray(8, 12).toString('latin1') === 'WEBP')
    return { mimetype: 'image/webp', filetype: 'webp' };
  const extension = name.split('.').pop()?.toLowerCase() ?? 'binary';
  return { mimetype: 'application/octet-stream', filetype: extension };
}

/** The JSON shape Slack gives a file in files.info, completeUploadExternal and payloads. */
export function fileJson(file: FakeFile) {
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: file.filetype,
    size: file.size,
    user: file.user,
    url_private: file.url_private,
    url_private_download: file.url_private_download,
    channels: file.channels,
    is_external: false,
    mode: 'hosted',
  };
}
