import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { slackAppManifest, slackCommands } from '../../../../src/bots/slack/index.js';

const botDir = path.resolve(import.meta.dirname, '../../../../src/bots/slack');

function sources(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((entry) =>
      entry.isDirectory()
        ? sources(path.join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? fs.readFileSync(path.join(dir, entry.name), 'utf8')
          : '',
    )
    .join('\n');
}

describe('Slack app manifest', () => {
  it('sends commands, interactions and model options to /slack/events in HTTP mode', () => {
    const manifest = slackAppManifest({ publicUrl: 'https://reelbot.example.com', socketMode: false });
    const url = 'https://reelbot.example.com/slack/events';
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: url,
      message_menu_options_url: url,
    });
    expect(manifest.features.slash_commands.every((c) => (c as { url?: string }).url === url)).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'files:read', 'files:write', 'users:read']),
    );
  });

  it('needs no URL in Socket Mode, and a public URL otherwise', () => {
    const manifest = slackAppManifest({ socketMode: true });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain('http');
    expect(() => slackAppManifest({ socketMode: false })).toThrow(/PUBLIC_URL/);
  });

  it('lists exactly the slash commands the bot registers', () => {
    const registered = [...sources(botDir).matchAll(/(?:command|app\.command)\('(\/[a-z]+)'/g)].map(
      (m) => m[1],
    );
    expect(new Set(registered)).toEqual(new Set(slackCommands.map((c) => c.command)));
  });
});
