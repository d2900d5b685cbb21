import net from 'node:net';

/**
 * Which hosts reelbot downloads from. Patterns are host names (`replicate.delivery`), host names
 * with a port (`127.0.0.1:4000`), or `*.x`, which allows every subdomain of x (not x itself).
 */
export interface HostAllowList {
  /** True when the URL's host matches a pattern. */
  allows(url: URL): boolean;
  /**
   * True when the host name is listed exactly (no wildcard): only such hosts may resolve to private
   * or loopback addresses, so a wildcard DNS entry cannot point a download into our network.
   */
  allowsPrivateHost(hostname: string): boolean;
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets; patterns are written without them.
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function exactMatch(pattern: string, url: URL): boolean {
  const host = hostOf(url);
  const [name, port] = splitPort(pattern);
  if (name !== host) return false;
  return port === undefined || port === defaultPort(url);
}

function splitPort(pattern: string): [string, string | undefined] {
  const match = /^(.*?)(?::(\d+))?$/.exec(pattern);
  return [match?.[1] ?? pattern, match?.[2]];
}

/** Builds the allow-list from `config.download.allowedHosts`. */
export function createHostAllowList(patterns: readonly string[]): HostAllowList {
  const normalized = patterns.map((p) => p.trim().toLowerCase()).filter(Boolean);
  const exact = normalized.filter((p) => !p.startsWith('*.'));
  const wildcards = normalized.filter((p) => p.startsWith('*.')).map((p) => splitPort(p.slice(1)));
  return {
    allows(url) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
      if (exact.some((p) => exactMatch(p, url))) return true;
      const host = hostOf(url);
      return wildcards.some(
        ([suffix, port]) =>
          host.endsWith(suffix) && host.length > suffix.length && (!port || port === defaultPort(url)),
      );
    },
    allowsPrivateHost(hostname) {
      const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
      return exact.some((p) => splitPort(p)[0] === host);
    },
  };
}

/**
 * True for addresses a download must not reach unless allowed by name: loopback, private ranges,
 * link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, unspecified and
 * multicast, in IPv4 and IPv6 (IPv4-mapped IPv6 included).
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (net.isIPv6(address)) {
    const lower = address.toLowerCase();
    return (
      lower === '::' ||
      lower === '::1' ||
      lower.startsWith('fc') ||
      lower.startsWith('fd') ||
      lower.startsWith('fe8') ||
      lower.startsWith('fe9') ||
      lower.startsWith('fea') ||
      lower.startsWith('feb') ||
      lower.startsWith('ff')
    );
  }
  return false;
}
