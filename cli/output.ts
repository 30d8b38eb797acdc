/** Human output: aligned tables and key/value blocks. `--json` bypasses all of this. */

export type Cell = string | number | boolean | null | undefined;

function text(value: Cell): string {
  if (value === null || value === undefined) return '-';
  return String(value);
}

/** Columns padded to their widest cell; the header row first. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = [headers.map(String), ...rows.map((row) => row.map(text))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** `key  value` lines; nested objects flattened as `parent.child`. */
export function keyValues(record: Readonly<Record<string, unknown>>): string {
  const rows: [string, Cell][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(prefix === '' ? key : `${prefix}.${key}`, inner);
    } else {
      rows.push([prefix, Array.isArray(value) ? value.join(', ') : (value as Cell)]);
    }
  };
  walk('', record);
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  return `${rows.map(([key, value]) => `${key.padEnd(width)}  ${text(value)}`).join('\n')}\n`;
}

/** A fixed-width bar: `[########------------]`. */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total <= 0 ? 0 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Seconds as `1h 02m`, `4m 10s` or `12s`; negative as `expired 3m ago`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  const abs = Math.abs(Math.round(seconds));
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const shown =
    h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
  return seconds < 0 ? `expired ${shown} ago` : shown;
}
