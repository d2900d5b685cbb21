import type { GenerationStatus } from '../../core/generations/types.js';

/** Whitespace that flattening changes: any but a single space, or a space at either end. */
const needsFlattening = /[^\S ]| {2}|^ | $/;

/** Cuts text to `max` characters on a word boundary when one is near, with an ellipsis. */
export function truncate(text: string, max: number): string {
  // Most prompts are short and already flat (single spaces, no ends): a test is cheaper than a replace.
  if (text.length <= max && !needsFlattening.test(text)) return text;
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then a date. */
export function relativeTime(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(ms).toISOString().slice(0, 10);
}

/** A full UTC timestamp for tooltips and detail pages. */
export function fullTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A span of time for people: "850 ms", "4.2 s", "3 min 5 s", "1 h 2 min". */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A video length such as "0:04" or "1:02:03". */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Bytes as "812 KB", "4.1 MB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** What each status is called on badges and in the status filter. */
export const statusLabels: Record<GenerationStatus, string> = {
  queued: 'Queued',
  starting: 'Starting',
  processing: 'Processing',
  downloading: 'Saving',
  succeeded: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** The badge text of a status, with the percentage while processing. */
export function statusLabel(status: GenerationStatus, progress?: number): string {
  const label = statusLabels[status];
  return status === 'processing' && progress !== undefined ? `${label} ${Math.round(progress)}%` : label;
}

export const platformLabels: Record<string, string> = {
  discord: 'Discord',
  slack: 'Slack',
  cli: 'Command line',
  web: 'Web',
};
