import type { OperatorUsage, RefusalCount, SpendLeader } from '../../core/generations/spend/overview.js';
import { formatSeconds, formatUsd } from '../../core/generations/spend/spend-text.js';
import { fullTime, platformLabels } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';
import { spendChart } from './spend-chart.js';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function leaders(
  caption: string,
  rows: readonly SpendLeader[],
  who: (row: SpendLeader) => SafeHtml | string,
) {
  return html`<table class="usage-table">
  <caption>${caption}</caption>
  <thead><tr><th scope="col">${caption.replace(/^Top /, '').replace(/s$/, '')}</th><th scope="col">Dollars</th><th scope="col">GPU</th><th scope="col">Videos</th></tr></thead>
  <tbody>${
    rows.length === 0
      ? html`<tr><td colspan="4">Nothing in these 30 days.</td></tr>`
      : rows.map(
          (row) =>
            html`<tr><td>${who(row)}</td><td>${formatUsd(row.costUsd)}${row.unpriced > 0 ? html` <small>+${row.unpriced} unpriced</small>` : ''}</td><td>${formatSeconds(row.gpuSeconds)}</td><td>${row.videos}</td></tr>`,
        )
  }</tbody>
</table>`;
}

const platform = (row: SpendLeader) => (row.platform ? (platformLabels[row.platform] ?? row.platform) : '');

function refusalTable(rows: readonly RefusalCount[]) {
  return html`<table class="usage-table">
  <caption>Refusals by reason</caption>
  <thead><tr><th scope="col">Reason</th><th scope="col">Count</th><th scope="col">Latest</th></tr></thead>
  <tbody>${
    rows.length === 0
      ? html`<tr><td colspan="3">No request was refused in these 30 days.</td></tr>`
      : rows.map(
          (row) =>
            html`<tr><td><code>${row.code}</code></td><td>${row.count}</td><td>${fullTime(row.lastAt)}</td></tr>`,
        )
  }</tbody>
</table>`;
}

/** The operator's page: 30 days of spend as a chart, the totals, the top lists and the refusals. */
export function usagePage(context: PageContext, usage: OperatorUsage): SafeHtml {
  const { total } = usage;
  return layout(context, {
    title: 'Usage',
    name: 'usage',
    body: html`<h1 class="page-title">Spend, ${isoDay(usage.since)} to ${isoDay(usage.until - 1)} (UTC)</h1>
<p class="usage-totals">${formatUsd(total.costUsd)} · GPU ${formatSeconds(total.gpuSeconds)} · ${total.videos} videos${
      total.unpriced > 0 ? html` · ${total.unpriced} without a known price` : ''
    }${total.simulations > 0 ? html` · ${total.simulations} simulations, CPU ${formatSeconds(total.cpuSeconds)}` : ''}</p>
<figure class="usage-chart">${spendChart(usage.days)}</figure>
<div class="usage-tables">
${leaders('Top users', usage.topUsers, (row) => html`${row.name ?? row.id} <small>${platform(row)}</small>`)}
${leaders('Top models', usage.topModels, (row) => html`<code>${row.id}</code>`)}
${leaders('Top servers', usage.topServers, (row) => html`<code>${row.id}</code> <small>${platform(row)}</small>`)}
${refusalTable(usage.refusals)}
</div>
<p><a class="button button--ghost" href="/api/admin/usage">The same numbers as JSON</a></p>`,
  });
}
