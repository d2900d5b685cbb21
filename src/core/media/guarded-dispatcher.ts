import type { LookupAddress, LookupOptions } from 'node:dns';
import dns from 'node:dns';
import { Agent } from 'undici';
import { DownloadError } from '../errors.js';
import { type HostAllowList, isPrivateAddress } from './host-allow-list.js';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * An undici Agent whose DNS lookup refuses private and loopback addresses unless the host is listed
 * by name. Checking at connect time (not before the request) also covers DNS rebinding: the address
 * checked is the address used.
 */
export function createGuardedDispatcher(
  allowList: HostAllowList,
  options: { lookup?: typeof dns.lookup; connectTimeoutMs?: number } = {},
): Agent {
  const baseLookup = options.lookup ?? dns.lookup;
  const lookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
    baseLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      if (!allowList.allowsPrivateHost(hostname) && list.some((a) => isPrivateAddress(a.address))) {
        return callback(privateAddressError(hostname), []);
      }
      if (lookupOptions.all) return callback(null, list);
      const first = list[0];
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
  return new Agent({
    connect: { lookup: lookup as never, timeout: options.connectTimeoutMs ?? 10_000 },
  });
}

/** The error for a host that resolves into our own network. */
export function privateAddressError(hostname: string): DownloadError {
  return new DownloadError(
    'DOWNLOAD_PRIVATE_ADDRESS',
    `Refusing to download from ${hostname}: it resolves to a private or loopback address`,
    { userMessage: 'The model returned a link reelbot is not allowed to download from.' },
  );
}
