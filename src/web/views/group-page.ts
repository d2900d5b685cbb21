import { gridRestrictions } from '../../core/generations/groups/group-text.js';
import type { GenerationGroup } from '../../core/generations/groups/types.js';
import type { Generation } from '../../core/generations/types.js';
import { blurred, displayName } from './card.js';
import { formatClock, fullTime, platformLabels, relativeTime, truncate } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/** "Compare · 3 models" or "Batch · 4 seeds": what kind of group, in words. */
export function groupLabel(group: GenerationGroup): string {
  return group.kind === 'compare'
    ? `Compare · ${group.memberIds.length} models`
    : `Batch · ${group.memberIds.length} seeds`;
}

function groupPoster(group: GenerationGroup): SafeHtml {
  if (group.media?.posterPath)
    return html`<img class="card__poster" src="/media/grp/${group.id}/poster" alt="" loading="lazy" decoding="async">`;
  if (group.media)
    return html`<video class="card__poster" src="/media/grp/${group.id}#t=0.1" preload="metadata" muted playsinline tabindex="-1"></video>`;
  return html`<div class="card__placeholder card__placeholder--${group.status === 'failed' ? 'failed' : 'processing'}" aria-hidden="true"></div>`;
}

/**
 * The one gallery card of a group (compare, batch): its grid's poster, linking to the group's page.
 * `restrictedCategories` blur it as a flagged video's card is (the clips of a group share one
 * prompt and its images, so the member the card stands in for carries the group's marks).
 */
export function groupCard(
  group: GenerationGroup,
  now: number,
  restrictedCategories?: readonly string[],
): SafeHtml {
  return html`<li class="card card--group" data-group-id="${group.id}">
  <a class="card__link" href="/grp/${group.id}">
    <div class="card__media">
      ${group.media ? blurred(restrictedCategories, groupPoster(group)) : groupPoster(group)}
      ${group.media?.durationSeconds === undefined ? '' : html`<span class="card__duration">${formatClock(group.media.durationSeconds)}</span>`}
      <span class="chip card__part" data-group>${groupLabel(group)}</span>
    </div>
    <div class="card__body">
      <p class="card__prompt">${group.prompt ? truncate(group.prompt, 160) : html`<em>No prompt</em>`}</p>
      <p class="card__meta card__meta--muted">
        <span>${group.requester.userName || group.requester.userId}</span>
        <span>${platformLabels[group.requester.platform] ?? group.requester.platform}</span>
        <time datetime="${new Date(group.createdAt).toISOString()}" title="${fullTime(group.createdAt)}">${relativeTime(group.createdAt, now)}</time>
      </p>
    </div>
  </a>
</li>`;
}

/** A group's page: the grid plays, and each clip this visitor may see is linked. */
export function groupPage(context: PageContext, group: GenerationGroup, members: Generation[]): SafeHtml {
  const player = group.media
    ? blurred(
        gridRestrictions(members),
        html`<video class="player" src="/media/grp/${group.id}" controls playsinline preload="metadata"${
          group.media.posterPath ? html` poster="/media/grp/${group.id}/poster"` : ''
        }></video>`,
        { player: true },
      )
    : html`<p class="muted">${group.status === 'failed' ? (group.error ?? 'No side-by-side video.') : 'The side-by-side video is not ready yet.'}</p>`;
  const clips = members.map(
    (member) =>
      html`<li><a href="/g/${member.id}">${member.model}${member.seed === undefined ? '' : ` · seed ${member.seed}`}</a> <span class="muted">${member.status}</span></li>`,
  );
  const body = html`<article class="detail">
  <h1>${groupLabel(group)}</h1>
  <p class="card__prompt">${group.prompt ?? ''}</p>
  ${player}
  <section class="panel"><h2>Clips</h2><ol class="group__clips">${clips}</ol></section>
  <p class="muted">${members[0] ? displayName(members[0]) : ''}</p>
</article>`;
  return layout(context, { title: groupLabel(group), name: 'group', body });
}
