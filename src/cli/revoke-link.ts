import { parseArgs } from 'node:util';
import { loadLinkSecret } from '../core/access/link-secret.js';
import { createLinkSigner } from '../core/access/link-token.js';
import { placeKey } from '../core/access/place.js';
import { linkKeyParam } from '../core/chat/gallery-links.js';
import { loadConfig } from '../core/config.js';
import { openStore } from '../core/store/index.js';

const usage = 'Usage: reelbot revoke-link URL\n';

/** The token of a gallery link, whether given as the whole URL or the token alone. */
function tokenOf(text: string): string {
  try {
    return new URL(text).searchParams.get(linkKeyParam) ?? text;
  } catch {
    return text;
  }
}

/**
 * `reelbot revoke-link URL`: that one gallery link opens nothing from now on, also in a running
 * `reelbot start` (it asks the store on every request). Revoking every link is changing the key.
 */
export async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(usage);
    return 2;
  }
  const config = loadConfig();
  const check = await createLinkSigner({ secret: loadLinkSecret(config) }).verify(tokenOf(positionals[0]!));
  if (!check.ok) {
    // An expired or foreign link opens nothing already; saying why saves a second look.
    process.stderr.write(
      `reelbot revoke-link: that link is not valid here (${check.reason}); nothing to do.\n`,
    );
    return check.reason === 'revoked' || check.reason === 'expired' ? 0 : 1;
  }
  const database = await openStore(config);
  try {
    await database.revokedLinks.revoke(check.signature, check.claims.expiresAt);
  } finally {
    await database.close();
  }
  const what = check.claims.generationId ? `video ${check.claims.generationId}` : 'gallery';
  process.stdout.write(`Revoked the ${what} link of ${placeKey(check.claims.place)}.\n`);
  return 0;
}
