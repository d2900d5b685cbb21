import { describeSpend } from '../../core/generations/spend/spend-text.js';
import type { Generation } from '../../core/generations/types.js';
import { isFinal } from '../../core/generations/types.js';
import { badge, displayName, progressBar, restricted } from './card.js';
import { formatBytes, formatClock, formatSpan, fullTime, platformLabels } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/** Longest parameter value shown inline; longer ones (data URIs, scenes) fold away. */
const inlineValueLength = 300;

function fact(label: string, value: SafeHtml | string | number | undefined): SafeHtml {
  if (value === undefined || value === '') return html``;
  return html`<div class="fact"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function parameterValue(value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<span class="muted">none</span>`;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const multiline = typeof value === 'object' || text.includes('\n');
  if (text.length <= inlineValueLength && !multiline) return html`<code>${text}</code>`;
  const preview = text.slice(0, 80).replace(/\s+/g, ' ');
  return html`<details><summary><code>${preview}…</code></summary><pre class="code">${text}</pre></details>`;
}

function parameters(generation: Generation): SafeHtml {
  const entries = Object.entries(generation.input);
  if (entries.length === 0) return html``;
  return html`<section class="panel"><h2>Parameters</h2>
  <table class="params"><tbody>
  ${entries.map(([key, value]) => html`<tr><th scope="row">${key}</th><td>${parameterValue(value)}</td></tr>`)}
  </tbody></table></section>`;
}

function timings(generation: Generation): SafeHtml {
  const { createdAt, startedAt, completedAt } = generation;
  return html`<section class="panel"><h2>Timings</h2><dl class="facts">
  ${fact('Created', html`<time datetime="${new Date(createdAt).toISOString()}">${fullTime(createdAt)}</time>`)}
  ${fact('Started', startedAt === undefined ? undefined : fullTime(startedAt))}
  ${fact('Finished', completedAt === undefined ? undefined : fullTime(completedAt))}
  ${fact('Waited', startedAt === undefined ? undefined : formatSpan(startedAt - createdAt))}
  ${fact('Ran for', startedAt === undefined || completedAt === undefined ? undefined : formatSpan(completedAt - startedAt))}
  ${fact('Total', completedAt === undefined ? undefined : formatSpan(completedAt - createdAt))}
  </dl></section>`;
}

function failure(generation: Generation): SafeHtml {
  if (generation.status !== 'failed' && !generation.error && !generation.upstreamError) return html``;
  return html`<section class="panel panel--error" role="alert"><h2>What went wrong</h2>
  ${generation.error ? html`<p class="error-text">${generation.error}</p>` : ''}
  ${generation.errorCode ? html`<p class="muted">Code <code>${generation.errorCode}</code></p>` : ''}
  ${generation.upstreamError ? html`<h3>Replicate said</h3><pre class="code">${generation.upstreamError}</pre>` : ''}
  </section>`;
}

/** `text` linked to `href`, or plain when the visitor's link cannot open other pages (`browse` false). */
function linkOrText(context: PageContext, href: string, text: SafeHtml | string): SafeHtml {
  return context.browse === false ? html`${text}` : html`<a href="${href}">${text}</a>`;
}

/** Where a generation came from (Edited from, Extended from) and the parts of its chain. */
function lineage(context: PageContext, generation: Generation, parts: readonly Generation[]): SafeHtml {
  const origin = generation.origin;
  const from = origin
    ? html`<p class="lineage__origin">${
        origin.kind === 'edit' ? 'Edited from' : origin.kind === 'extend' ? 'Extended from' : 'Re-rolled from'
      } ${linkOrText(context, `/g/${origin.generationId}`, `#${origin.generationId}`)}</p>`
    : html``;
  if (parts.length < 2)
    return origin ? html`<section class="panel lineage"><h2>Lineage</h2>${from}</section>` : html``;
  return html`<section class="panel lineage"><h2>Chain of ${parts.length} parts</h2>${from}
  <ol class="lineage__parts">${parts.map(
    (part, index) =>
      html`<li>${part.id === generation.id ? html`<strong>Part ${index + 1}</strong>` : html`<a href="/g/${part.id}">Part ${index + 1}</a>`}${
        part.prompt ? html` · ${part.prompt.slice(0, 80)}` : ''
      }</li>`,
  )}</ol></section>`;
}

function player(generation: Generation): SafeHtml {
  const { media, id } = generation;
  // A chain's main video is the parts joined; the part alone is its Download.
  if (generation.joinedMedia)
    return restricted(
      generation,
      html`<video class="player__video" controls playsinline preload="metadata" src="/media/${id}/joined" data-joined${
        media?.posterPath ? html` poster="/media/${id}/poster"` : ''
      }></video>`,
      { player: true },
    );
  if (media)
    return restricted(
      generation,
      html`<video class="player__video" controls playsinline preload="metadata" src="/media/${id}"${
        media.posterPath ? html` poster="/media/${id}/poster"` : ''
      }${media.width && media.height ? html` width="${media.width}" height="${media.height}"` : ''}></video>`,
      { player: true },
    );
  return html`<div class="player__placeholder player__placeholder--${generation.status}">
    ${badge(generation)}
    ${progressBar(generation)}
    ${
      // Always there while it runs, hidden until a line comes: app.js keeps it with the bar.
      isFinal(generation.status)
        ? ''
        : html`<pre class="player__log" data-log${generation.lastLog ? '' : html` hidden`}>${generation.lastLog ?? ''}</pre>`
    }
  </div>`;
}

/** The page of one generation: player, download, every parameter, seed, timings, the whole error. */
export function detailPage(
  context: PageContext,
  generation: Generation,
  downloadName?: string,
  chainParts: readonly Generation[] = [],
  /** The group (compare, batch) it is a clip of, when the visitor may see it. */
  group?: { id: string; label: string },
): SafeHtml {
  const { media, requester, id } = generation;
  const running = !isFinal(generation.status);
  const browse = context.browse !== false;
  const body = html`${browse ? html`<a class="back" href="/">← Gallery</a>` : ''}
<article class="detail" data-generation-id="${id}" data-status="${generation.status}"${running ? html` data-running` : ''}${
    generation.progress === undefined ? '' : html` data-percent="${generation.progress}"`
  }>
  <section class="player">
    ${player(generation)}
    <div class="actions">
      ${media ? html`<a class="button" href="/media/${id}?download=1" download="${downloadName ?? ''}">Download${media.bytes ? ` (${formatBytes(media.bytes)})` : ''}</a>` : ''}
      <a class="button button--ghost" href="/api/generations/${id}">JSON</a>
      ${browse ? html`<a class="button button--ghost" href="/?user=${encodeURIComponent(requester.userId)}">More by ${displayName(generation)}</a>` : ''}
    </div>
  </section>
  <div class="detail__side">
    <header class="detail__head">
      ${badge(generation)}
      <h1 class="detail__prompt">${generation.prompt ?? html`<em>No prompt</em>`}</h1>
    </header>
    ${failure(generation)}
    ${lineage(context, generation, chainParts)}
    ${group ? html`<p class="panel lineage" data-group-link>One clip of <a href="/grp/${group.id}">${group.label}</a></p>` : ''}
    <section class="panel"><h2>About</h2><dl class="facts">
      ${fact('Model', linkOrText(context, `/?model=${encodeURIComponent(generation.model)}`, generation.model))}
      ${fact('Version', generation.version ? html`<code title="${generation.version}">${generation.version.slice(0, 12)}</code>` : undefined)}
      ${fact('Source', generation.source === 'simulation' ? 'Physics simulation' : 'Replicate')}
      ${fact(generation.source === 'simulation' ? 'Local compute' : 'Compute and cost', describeSpend(generation))}
      ${fact('Seed', generation.seed === undefined ? undefined : html`<code>${generation.seed}</code>`)}
      ${fact('Requested by', linkOrText(context, `/?user=${encodeURIComponent(requester.userId)}`, displayName(generation)))}
      ${fact('Platform', platformLabels[requester.platform] ?? requester.platform)}
      ${fact('Size', media?.width && media.height ? `${media.width} × ${media.height}` : undefined)}
      ${fact('Length', media?.durationSeconds === undefined ? undefined : formatClock(media.durationSeconds))}
      ${fact('File', media ? `${media.mime}, ${formatBytes(media.bytes)}` : undefined)}
      ${fact('Id', html`<code>${id}</code>`)}
    </dl></section>
    ${timings(generation)}
    ${parameters(generation)}
  </div>
</article>`;
  return layout(context, {
    title: generation.prompt ? generation.prompt.slice(0, 60) : generation.model,
    name: 'detail',
    body,
  });
}
