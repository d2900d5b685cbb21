import type { DaySpend } from '../../core/generations/spend/overview.js';
import { formatSeconds, formatUsd } from '../../core/generations/spend/spend-text.js';
import { html, type SafeHtml } from './html.js';

const width = 720;
const height = 240;
const margin = { top: 12, right: 8, bottom: 28, left: 64 };

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A day in words, for the bar's tooltip: "2026-11-03: about $1.50 · GPU 30 s · 2 videos". */
export function describeDay(day: DaySpend): string {
  const parts = [
    `${formatUsd(day.costUsd)}`,
    `GPU ${formatSeconds(day.gpuSeconds)}`,
    plural(day.videos, 'video'),
  ];
  if (day.unpriced > 0) parts.push(`${day.unpriced} unpriced`);
  if (day.simulations > 0) parts.push(plural(day.simulations, 'simulation'));
  return `${isoDay(day.day)}: ${parts.join(' · ')}`;
}

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least `max`. */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

/**
 * The spend per day as an SVG bar chart, drawn on the server: dollars when any day has a known
 * price, else GPU seconds. One bar per day, each with a `<title>` tooltip; axis labels on both
 * sides. Styled by classes only (the page's CSP allows no inline styles).
 */
export function spendChart(days: readonly DaySpend[]): SafeHtml {
  const inDollars = days.some((day) => day.costUsd > 0);
  const barValue = (day: DaySpend) => (inDollars ? day.costUsd : day.gpuSeconds);
  const label = (value: number) => (inDollars ? formatUsd(value) : formatSeconds(value));
  const top = niceCeiling(Math.max(0, ...days.map(barValue)));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const y = (value: number) => margin.top + plotHeight - (value / top) * plotHeight;
  const ticks = [0, top / 2, top];
  const round = (n: number) => Math.round(n * 10) / 10;

  return html`<svg class="spend-chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="spend-chart-title">
  <title id="spend-chart-title">Spend per day, ${inDollars ? 'US dollars' : 'GPU seconds'}, ${days.length} days</title>
  ${ticks.map(
    (tick) => html`<g class="spend-chart__tick">
    <line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(tick))}" y2="${round(y(tick))}"></line>
    <text x="${margin.left - 6}" y="${round(y(tick) + 4)}" text-anchor="end">${label(tick)}</text>
  </g>`,
  )}
  ${days.map((day, i) => {
    const value = barValue(day);
    const barTop = y(value);
    const x = margin.left + i * slot + slot * 0.15;
    return html`<rect class="spend-chart__bar" data-day="${isoDay(day.day)}" x="${round(x)}" y="${round(barTop)}" width="${round(slot * 0.7)}" height="${round(margin.top + plotHeight - barTop)}"><title>${describeDay(day)}</title></rect>`;
  })}
  ${days.map((day, i) =>
    i % 5 === 0 || i === days.length - 1
      ? html`<text class="spend-chart__day" x="${round(margin.left + i * slot + slot / 2)}" y="${height - 8}" text-anchor="middle">${isoDay(day.day).slice(5)}</text>`
      : '',
  )}
</svg>`;
}
