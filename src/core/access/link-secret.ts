import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { ReelbotError } from '../errors.js';

/** The file in DATA_DIR that keeps the generated link key. Deleting it revokes every link. */
export const linkSecretFile = 'link-secret';

/**
 * The key gallery links are signed with: `LINK_SECRET` when set, else one generated on first use
 * and kept in `DATA_DIR/link-secret` (mode 0600), so links survive restarts. Synchronous, because
 * it runs once while the process wires itself up.
 */
export function loadLinkSecret(config: Pick<Config, 'dataDir' | 'gallery'>): string {
  if (config.gallery.linkSecret) return config.gallery.linkSecret;
  const file = path.join(config.dataDir, linkSecretFile);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    // `wx`: of two processes starting at once, one writes and the other reads what it wrote.
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new ReelbotError('LINK_SECRET_INVALID', `${file} holds no usable link key`, {
      context: { file },
      userMessage: `Delete ${file} (every gallery link is revoked) or set LINK_SECRET, then start again.`,
    });
  return secret;
}
