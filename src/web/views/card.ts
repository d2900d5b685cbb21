import { categoryInWords } from '../../core/generations/moderation.js';
import { describeSpend } from '../../core/generations/spend/spend-text.js';
import type { Generation } from '../../core/generations/types.js';
import { isFinal } from '../../core/generations/types.js';
import { formatClock, fullTime, platformLabels, relativeTime, statusLabel, truncate } from './format.js';
import { html, type SafeHtml } from './html.js';

/** How much of an error a card shows; the detail page has it whole (the old bot cut at 60 too). */
export const cardErrorLength = 60;

/** The name shown for whoever asked for a generation. */
export function displayName(generation: Generation): string {
  return generation.requester.userName || generation.requester.userId;
}

/** The status badge; `data-badge` lets the live script update it in place. */
export function badge(generation: Generation): SafeHtml {
  return html`<span class="badge badge--${generation.status}" data-badge>${statusLabel(
    generation.status,
    generation.progress,
  )}</span>`;
}

/** The progress bar of a running generation; indeterminate until a percentage is known. */
export function progressBar(generation: Generation): SafeHtml {
  if (isFinal(generation.status)) return html``;
  const value = generation.progress === undefined ? undefined : Math.round(generation.progress);
  return html`<progress class="progress" max="100" ${value === undefined ? '' : html`value="${value}"`} data-progress aria-label="progress"></progress>`;
}

/**
 * Wraps a poster or player flagged in an age-restricted moderation category: blurred (CSS) with a
 * note until a click reveals it (app.js). Others are returned as they are. `player`: see {@link blurred}.
 */
export function restricted(
  generation: Generation,
  content: SafeHtml,
  options: { player?: boolean } = {},
): SafeHtml {
  return generation.media ? blurred(generation.restrictedCategories, content, options) : content;
}

/**
 * `content` blurred with a note of the categories until clicked; as it is when there are none.
 * On a page's `player` (not inside a card's link) the note is a button, so the keyboard reveals it too.
 */
export function blurred(
  categories: readonly string[] | undefined,
  content: SafeHtml,
  options: { player?: boolean } = {},
): SafeHtml {
  if (!categories || categories.length === 0) return content;
  const note = `Flagged for ${categories.map(categoryInWords).join(', ')}. Click to show.`;
  return html`<span class="restricted" data-restricted>${content}${
    options.player
      ? html`<button class="restricted__note" type="button">${note}</button>`
      : html`<span class="restricted__note">${note}</span>`
  }</span>`;
}

function thumbnail(generation: Generation): SafeHtml {
  return restricted(generation, poster(generation));
}

function poster(generation: Generation): SafeHtml {
  const { media, id } = generation;
  if (media?.posterPath)
    return html`<img class="card__poster" src="/media/${id}/poster" alt="" loading="lazy" decoding="async"${
      media.width && media.height ? html` width="${media.width}" height="${media.height}"` : ''
    }>`;
  if (media)
    return html`<video class="card__poster" src="/media/${id}#t=0.1" preload="metadata" muted playsinline tabindex="-1"></video>`;
  return html`<div class="card__placeholder card__placeholder--${generation.status}" aria-hidden="true"></div>`;
}

/** What a card shows of its generation's neighbours: its chain, its favorites, its group. */
export interface CardMarks {
  /** Marks the newest part of a chain of extends: "Part N of N". */
  chainLength?: number;
  /** How many people marked it a favorite. */
  stars?: number;
  /** The group not yet ended it is a member of (`data-pending-group`), for the live script. */
  pendingGroupId?: string;
}

/** One card of the gallery grid. */
export function card(generation: Generation, now: number, marks: CardMarks = {}): SafeHtml {
  const { chainLength, stars = 0, pendingGroupId } = marks;
  const running = !isFinal(generation.status);
  const error = generation.error ?? generation.upstreamError;
  const duration = generation.joinedMedia?.durationSeconds ?? generation.media?.durationSeconds;
  const spend = describeSpend(generation);
  // No indentation: 48 cards of it were an eighth of the page's bytes, and writing them to the
  // socket is a good share of its cost. Each newline is still the whitespace between elements.
  return html`<li class="card card--${generation.status}" data-generation-id="${generation.id}" data-status="${generation.status}"${
    running ? html` data-running` : ''
  }${generation.chainId ? html` data-chain-id="${generation.chainId}"` : ''}${pendingGroupId ? html` data-pending-group="${pendingGroupId}"` : ''}${generation.progress === undefined ? '' : html` data-percent="${generation.progress}"`}>
<a class="card__link" href="/g/${generation.id}">
<div class="card__media">
${thumbnail(generation)}
${badge(generation)}
${duration === undefined ? '' : html`<span class="card__duration">${formatClock(duration)}</span>`}
${progressBar(generation)}
${chainLength && chainLength > 1 ? html`<span class="chip card__part" data-chain>Part ${chainLength} of ${chainLength}</span>` : ''}
</div>
<div class="card__body">
<p class="card__prompt">${generation.prompt ? truncate(generation.prompt, 160) : html`<em>No prompt</em>`}</p>
${
  generation.status === 'failed' && error
    ? html`<p class="card__error" title="${truncate(error, 300)}">${truncate(error, cardErrorLength)}</p>`
    : ''
}
<p class="card__meta">
<span class="card__model">${generation.model}</span>
<span class="chip chip--${generation.source}">${generation.source === 'simulation' ? 'Simulation' : 'Replicate'}</span>
${stars > 0 ? html`<span class="card__stars" title="Marked as a favorite by ${stars}">★ ${stars}</span>` : ''}
</p>
${spend ? html`<p class="card__meta card__meta--muted card__spend" data-spend>${spend}</p>` : ''}
<p class="card__meta card__meta--muted">
<span>${displayName(generation)}</span>
<span>${platformLabels[generation.requester.platform] ?? generation.requester.platform}</span>
<time datetime="${new Date(generation.createdAt).toISOString()}" title="${fullTime(generation.createdAt)}">${relativeTime(generation.createdAt, now)}</time>
</p>
</div>
</a>
</li>`;
}
