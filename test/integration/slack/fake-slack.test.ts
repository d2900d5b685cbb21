import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack/index.js';

// The fake is only useful if the real client library cannot tell it from Slack: these tests drive
// it with @slack/web-api itself.
describe('fake Slack Web API', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;

  beforeEach(async () => {
    slack = await startFakeSlack();
    client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('answers auth.test and refuses a wrong token', async () => {
    const auth = await client.auth.test();
    expect(auth.user_id).toBe(slack.workspace.botUserId);
    const stranger = new webApi.WebClient('xoxb-wrong', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('posts and updates a message, decoding blocks', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0GENERAL',
      text: 'working',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'working' } }],
    });
    await client.chat.update({ channel: 'C0GENERAL', ts: posted.ts!, text: 'done' });
    const update = await slack.waitForCall('chat.update');
    expect(update.args.ts).toBe(posted.ts);
    expect(slack.message('C0GENERAL', posted.ts!)).toMatchObject({ text: 'done', edits: 1 });
    const call = slack.log.of('chat.postMessage')[0]!;
    expect(call.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'working' } }]);
  });

  it('takes a files.uploadV2 upload into a thread with its bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypisom'),
      Buffer.alloc(100, 7),
    ]);
    await client.filesUploadV2({
      channel_id: 'C0GENERAL',
      thread_ts: '1700000000.000001',
      file: bytes,
      filename: 'video.mp4',
      initial_comment: 'here',
    });
    const complete = await slack.waitForCall('files.completeUploadExternal');
    const fileId = (complete.response as { files: { id: string }[] }).files[0]!.id;
    const file = slack.workspace.files.get(fileId)!;
    expect(file.mimetype).toBe('video/mp4');
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(slack.messages('C0GENERAL', '1700000000.000001')[0]).toMatchObject({ text: 'here' });
  });

  it('names the missing scope', async () => {
    slack.revokeScope('files:write');
    await expect(
      client.filesUploadV2({ channel_id: 'C0GENERAL', file: Buffer.from('x'), filename: 'a.txt' }),
    ).rejects.toMatchObject({ data: { error: 'missing_scope', needed: 'files:write' } });
  });

  it('serves private files only with the bot token', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const file = slack.addFile({ name: 'cat.png', bytes: png });
    const withToken = await fetch(file.url_private_download, {
      headers: { authorization: `Bearer ${slack.botToken}` },
    });
    expect(withToken.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await withToken.arrayBuffer()).equals(png)).toBe(true);
    const without = await fetch(file.url_private_download);
    expect(without.headers.get('content-type')).toContain('text/html');
    const info = await client.files.info({ file: file.id });
    expect(info.file?.url_private_download).toBe(file.url_private_download);
  });

  it('refuses a modal over Slack limits', async () => {
    await expect(
      client.views.open({
        trigger_id: '1.2.abc',
        view: { type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });
});
