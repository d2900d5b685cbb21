import type { Generation } from '../../core/generations/types.js';
import { favoritedByAnyone } from '../favorites-filter.js';
import {
  type ListQuery,
  platformFilters,
  queryString,
  searchLength,
  sourceFilters,
  type statusFilters,
} from '../filters.js';
import { displayName } from './card.js';
import { platformLabels, statusLabels } from './format.js';
import { type EntryDecorations, entryCard } from './gallery-entry.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/** Everything the gallery page shows: its entries with what each card shows beside its row. */
export interface GalleryView extends EntryDecorations {
  items: Generation[];
  /** The `after` token of the next page, when there is one. */
  next?: string;
  params: ListQuery['params'];
  models: string[];
}

const statusNames: Record<(typeof statusFilters)[number], string> = { running: 'Running', ...statusLabels };

function select(name: string, label: string, current: string | undefined, options: [string, string][]) {
  return html`<label class="field"><span class="visually-hidden">${label}</span>
    <select name="${name}" aria-label="${label}">
      <option value="">${label}</option>
      ${options.map(
        ([value, text]) =>
          html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`,
      )}
    </select></label>`;
}

/** The favorites choices: what anyone favorited, and a person's own when the query names one. */
function favoritesOptions(current: string | undefined): [string, string][] {
  const options: [string, string][] = [[favoritedByAnyone, 'Favorited']];
  if (current && current !== favoritedByAnyone)
    options.push([current, current === 'mine' ? 'My favorites' : `Favorites of ${current}`]);
  return options;
}

/** The filter bar in the top bar: search, status, model, platform, source, favorites. */
export function filterForm(params: ListQuery['params'], models: string[]): SafeHtml {
  const modelOptions = models.map((model): [string, string] => [model, model]);
  if (params.model && !models.includes(params.model)) modelOptions.unshift([params.model, params.model]);
  const filtered = Object.keys(params).some((key) => key !== 'after');
  return html`<form class="filters" method="get" action="/" role="search">
  <label class="field field--search"><span class="visually-hidden">Search prompts</span>
    <input type="search" name="q" value="${params.q ?? ''}" placeholder="Search prompts…" autocomplete="off" maxlength="${searchLength}"></label>
  ${select('status', 'Any status', params.status, Object.entries(statusNames))}
  ${select('model', 'Any model', params.model, modelOptions)}
  ${select(
    'platform',
    'Any platform',
    params.platform,
    platformFilters.map((p): [string, string] => [p, platformLabels[p] ?? p]),
  )}
  ${select('source', 'Any source', params.source, [
    [sourceFilters[0], 'Replicate'],
    [sourceFilters[1], 'Simulation'],
  ])}
  ${select('favorites', 'Every video', params.favorites, favoritesOptions(params.favorites))}
  ${params.user ? html`<input type="hidden" name="user" value="${params.user}">` : ''}
  <button class="button" type="submit">Filter</button>
  ${filtered ? html`<a class="button button--ghost" href="/">Clear</a>` : ''}
</form>`;
}

function heading(view: GalleryView): SafeHtml {
  const { params, items } = view;
  if (!params.user) return html`<h1 class="page-title">Gallery</h1>`;
  const name = items.find((item) => item.requester.userId === params.user);
  return html`<h1 class="page-title">Videos by ${name ? displayName(name) : params.user}
    <a class="chip chip--remove" href="/${queryString(params, { user: undefined, after: undefined })}" aria-label="Show everyone's videos">×</a></h1>`;
}

/** The gallery: filters, a grid of cards, and a link to older ones. */
export function galleryPage(context: PageContext, view: GalleryView): SafeHtml {
  const { items, params, next } = view;
  const grid =
    items.length > 0
      ? html`<ul class="grid">${items.map((item) => entryCard(item, context.now, view))}</ul>`
      : Object.keys(params).length > 0
        ? html`<section class="empty"><h2>Nothing found</h2><p>No video matches these filters.</p>
            <p><a class="button button--ghost" href="/">Show everything</a></p></section>`
        : html`<section class="empty"><h2>No videos here yet</h2>
            <p>Ask reelbot for a video in Discord or Slack, and it shows up here.</p></section>`;
  const pager = html`<nav class="pager" aria-label="Pages">
    ${params.after ? html`<a class="button button--ghost" href="/${queryString(params, { after: undefined })}">← Newest</a>` : ''}
    ${next ? html`<a class="button" rel="next" href="/${queryString(params, { after: next })}">Older →</a>` : ''}
  </nav>`;
  const favorites = params.favorites
    ? html`<p class="filters-active">${params.favorites === favoritedByAnyone ? 'Favorited, most favorited first' : 'Favorites only'}
        <a class="chip chip--remove" href="/${queryString(params, { favorites: undefined, after: undefined })}" aria-label="Show every video">×</a></p>`
    : '';
  return layout(context, {
    title: params.user ? 'Videos of one person' : 'Gallery',
    name: 'gallery',
    header: filterForm(params, view.models),
    body: html`${heading(view)}${favorites}${grid}${pager}`,
  });
}
