import type { webApi } from '@slack/bolt';
import type { AttachmentInput } from '../../../core/generations/service-types.js';

/** The image types a model input takes, as Slack names them. */
const imageMimeTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** A file as Slack describes it in payloads and files.info. */
export interface SlackFileInfo {
  id: string;
  name?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/** True for files a model can animate. */
export function isImageFile(file: SlackFileInfo): boolean {
  return file.mimetype !== undefined && imageMimeTypes.has(file.mimetype);
}

/**
 * Turns Slack file ids into attachments the core fetches itself. `files.info` comes first: it
 * fails with `missing_scope` (naming `files:read`) where a download without the scope would get
 * Slack's sign-in page instead of the image. The private URL needs the bot token, so the token
 * travels in the attachment's headers (core sends it to that host only).
 */
export async function slackAttachments(
  client: webApi.WebClient,
  botToken: string,
  fileIds: string[],
  field?: string,
): Promise<AttachmentInput[]> {
  const attachments: AttachmentInput[] = [];
  for (const id of fileIds) {
    const info = await client.files.info({ file: id });
    const file = info.file as SlackFileInfo | undefined;
    const url = file?.url_private_download ?? file?.url_private;
    if (!file || !url) continue;
    attachments.push({
      field,
      url,
      headers: { Authorization: `Bearer ${botToken}` },
      filename: file.name,
      contentType: file.mimetype,
      size: file.size,
    });
  }
  return attachments;
}
