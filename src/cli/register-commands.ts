import { registerCommands } from '../bots/discord/command-registration.js';
import { createDiscordRest } from '../bots/discord/rest-transport.js';
import { loadConfig } from '../core/config.js';
import { openStore } from '../core/store/configured-store.js';

const usage = 'Usage: reelbot register-commands [--guild ID]\n';

/** `reelbot register-commands [--guild ID]`: pushes commands.json to Discord, always. */
export async function run(argv: string[]): Promise<number> {
  let guildId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--guild') guildId = argv[++i];
    else if (arg.startsWith('--guild=')) guildId = arg.slice('--guild='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage);
      return 0;
    } else {
      process.stderr.write(`reelbot register-commands: unknown argument "${arg}"\n${usage}`);
      return 2;
    }
  }
  if (guildId !== undefined && !/^\d{5,25}$/.test(guildId)) {
    process.stderr.write(`reelbot register-commands: --guild needs a numeric server id\n${usage}`);
    return 2;
  }
  const config = loadConfig();
  if (!config.discord) {
    process.stderr.write(
      'reelbot register-commands: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Discord developer portal) first.\n',
    );
    return 1;
  }
  const { rest, close } = createDiscordRest(config.discord);
  const database = await openStore(config);
  try {
    const result = await registerCommands({
      rest,
      applicationId: config.discord.applicationId,
      guildId,
      cache: database.catalogCache,
      force: true,
    });
    const where = guildId ? `in server ${guildId}` : 'globally';
    process.stdout.write(`Registered ${result.count} commands ${where}.\n`);
    return 0;
  } finally {
    await database.close();
    await close();
  }
}
