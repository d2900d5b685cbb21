/** What the logs of a prediction say about its progress. */
export interface LogProgress {
  /** 0..100 from the last line that reports progress; absent when no line does. */
  percent?: number;
  /** The last line with text in it, trimmed, at most 200 characters. */
  lastLine?: string;
}

// tqdm draws `45%|████▌     | 9/20 [00:02<00:03, 3.1it/s]`; carriage returns redraw the same line.
const tqdmPercent = /(\d{1,3}(?:\.\d+)?)%\s*\|/;
const stepOf = /\bsteps?\s*[:=]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/i;
const countBracket = /(?:^|\s|\|)(\d+)\s*\/\s*(\d+)\s*\[/;

function clampPercent(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  return Math.max(0, Math.min(100, value));
}

function ratio(done: string, total: string): number | undefined {
  const n = Number(done);
  const d = Number(total);
  return d > 0 ? clampPercent((n / d) * 100) : undefined;
}

/** Progress of one log line, if it reports any. */
export function percentOfLine(line: string): number | undefined {
  const tqdm = tqdmPercent.exec(line);
  if (tqdm) return clampPercent(Number(tqdm[1]));
  const step = stepOf.exec(line);
  if (step) return ratio(step[1]!, step[2]!);
  const count = countBracket.exec(line);
  if (count) return ratio(count[1]!, count[2]!);
  return undefined;
}

/**
 * Reads progress from a prediction's logs: tqdm bars (`45%|`), `step 12/50`, and tqdm counters
 * without a percent (`12/50 [`). The last line that reports progress wins, since models often run
 * several bars (one per stage) and the newest is the one in flight.
 */
export function parseLogProgress(logs: string | null | undefined): LogProgress {
  if (!logs) return {};
  // tqdm rewrites its line with \r; each redraw is a line of its own for us.
  const lines = logs
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const result: LogProgress = {};
  const last = lines.at(-1);
  if (last) result.lastLine = last.length > 200 ? `${last.slice(0, 199)}…` : last;
  for (let i = lines.length - 1; i >= 0; i--) {
    const percent = percentOfLine(lines[i]!);
    if (percent !== undefined) {
      result.percent = Math.round(percent * 10) / 10;
      break;
    }
  }
  return result;
}
