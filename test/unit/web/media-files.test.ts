import { describe, expect, it } from 'vitest';
import type { Generation } from '../../../src/core/generations/types.js';
import { contentTypeOf, downloadName, servableKey } from '../../../src/web/media-files.js';

describe('stored media files', () => {
  it('takes store paths inside the storage only, and media files only', () => {
    expect(servableKey('media/g_1.mp4')).toBe('media/g_1.mp4');
    for (const bad of [
      '../x.mp4',
      '/etc/passwd',
      'media/../../x.mp4',
      'reelbot.sqlite',
      'media/a.mp4\0',
      '',
      undefined,
    ])
      expect(servableKey(bad), String(bad)).toBeUndefined();
  });

  it('picks the content type from a plain recorded type or the extension', () => {
    expect(contentTypeOf('/a/b.mp4', 'video/mp4')).toBe('video/mp4');
    expect(contentTypeOf('/a/b.webm', 'text/html')).toBe('video/webm');
    expect(contentTypeOf('/a/b.jpg')).toBe('image/jpeg');
  });

  it('names downloads after the model and the id', () => {
    const generation = {
      id: 'g_abc',
      model: 'wan-video/wan 2.2 "fast"',
      media: { path: 'media/g_abc.mp4', mime: 'video/mp4' },
    } as Generation;
    expect(downloadName(generation)).toBe('reelbot-wan-video-wan-2.2-fast-g_abc.mp4');
  });
});
