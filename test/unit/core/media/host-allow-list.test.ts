import { describe, expect, it } from 'vitest';
import { createHostAllowList, isPrivateAddress } from '../../../../src/core/media/host-allow-list.js';

describe('download host allow-list', () => {
  const list = createHostAllowList(['replicate.delivery', '*.replicate.delivery', '127.0.0.1:8080']);

  it('allows listed hosts, subdomains of wildcards, and listed ports only', () => {
    expect(list.allows(new URL('https://replicate.delivery/a.mp4'))).toBe(true);
    expect(list.allows(new URL('https://pbxt.replicate.delivery/a.mp4'))).toBe(true);
    expect(list.allows(new URL('https://evilreplicate.delivery/a.mp4'))).toBe(false);
    expect(list.allows(new URL('https://replicate.delivery.evil.com/a.mp4'))).toBe(false);
    expect(list.allows(new URL('http://127.0.0.1:8080/a.mp4'))).toBe(true);
    expect(list.allows(new URL('http://127.0.0.1:9090/a.mp4'))).toBe(false);
    expect(list.allows(new URL('ftp://replicate.delivery/a.mp4'))).toBe(false);
  });

  it('lets only hosts listed by name reach private addresses', () => {
    expect(list.allowsPrivateHost('127.0.0.1')).toBe(true);
    expect(list.allowsPrivateHost('pbxt.replicate.delivery')).toBe(false);
  });

  it('knows private, loopback, link-local and mapped addresses', () => {
    for (const address of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111'])
      expect(isPrivateAddress(address), address).toBe(false);
  });
});
