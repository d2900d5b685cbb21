import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Generation } from '../../../../src/core/generations/types.js';
import { card } from '../../../../src/web/views/card.js';
import { detailPage } from '../../../../src/web/views/detail-page.js';

const now = 1_700_000_000_000;
const done: Generation = {
  id: 'g_abc',
  source: 'replicate',
  requester: { platform: 'discord', workspaceId: 'g1', channelId: 'c1', userId: 'u1', userName: 'Ada' },
  model: 'minimax/video-01',
  prompt: 'a portrait',
  input: {},
  status: 'succeeded',
  media: {
    path: 'media/g_abc.mp4',
    sha256: 'ab',
    bytes: 10,
    mime: 'video/mp4',
    posterPath: 'media/g_abc.jpg',
  },
  createdAt: now - 60_000,
  completedAt: now - 1000,
  updatedAt: now - 1000,
};
const context = { assetUrls: { css: '/app.css', js: '/app.js' }, live: 'poll' as const, now };

describe('a video flagged in an age-restricted category, in the gallery', () => {
  it('blurs the card poster and the detail player behind a note, until a click reveals them', () => {
    const marked = { ...done, restrictedCategories: ['sexual'] };
    const cardHtml = card(marked, now).toString();
    expect(cardHtml).toMatch(/<span class="restricted" data-restricted><img class="card__poster"/);
    expect(cardHtml).toContain('Flagged for sexual content. Click to show.');
    const page = detailPage(context, marked).toString();
    expect(page).toMatch(/<span class="restricted" data-restricted><video class="player__video"/);
    // On the page the note is a button, so the keyboard reveals it too.
    expect(page).toContain(
      '<button class="restricted__note" type="button">Flagged for sexual content. Click to show.</button>',
    );
  });

  it('shows an unflagged video plainly', () => {
    expect(card(done, now).toString()).not.toContain('data-restricted');
    expect(detailPage(context, done).toString()).not.toContain('data-restricted');
  });

  it('blurs with CSS until revealed, and the script reveals on the first click', () => {
    const assets = path.resolve(import.meta.dirname, '../../../../src/web/assets');
    const css = fs.readFileSync(path.join(assets, 'app.css'), 'utf8');
    expect(css).toMatch(/\.restricted:not\(\.is-revealed\) :is\(img, video\) \{\s*filter: blur\(/);
    const js = fs.readFileSync(path.join(assets, 'app.js'), 'utf8');
    expect(js).toContain("closest('[data-restricted]:not(.is-revealed)')");
  });
});
