import { parseArgs } from 'node:util';
import { slackAppManifest } from '../bots/slack/manifest.js';
import { loadConfig } from '../core/config.js';

/**
 * `reelbot slack-manifest [--socket]`: prints the Slack app manifest for this deployment, to paste
 * into "Create New App → From a manifest". HTTP mode needs PUBLIC_URL, so Slack knows where to post.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { socket: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const socketMode = values.socket || Boolean(config.slack?.appToken);
  if (!socketMode && !config.publicUrl) {
    process.stderr.write(
      'Set PUBLIC_URL (where Slack reaches /slack/events), or pass --socket for Socket Mode.\n',
    );
    return 1;
  }
  process.stdout.write(
    `${JSON.stringify(slackAppManifest({ publicUrl: config.publicUrl, socketMode }), null, 2)}\n`,
  );
  return 0;
}
