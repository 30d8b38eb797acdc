/**
 * Finds `:name` parameters in SQL the way a SQL-aware parser does, so that `::` casts, string literals,
 * quoted identifiers, dollar-quoted bodies, comments and `arr[lo:hi]` slices are left alone (a regex
 * replacement breaks `x::date` when a parameter is called `date`).
 */

export type SqlChunk =
  | { readonly kind: 'text'; readonly text: string; readonly offset: number }
  | { readonly kind: 'parameter'; readonly name: string; readonly index: number; readonly offset: number };

export interface SqlTemplate {
  readonly source: string;
  readonly chunks: readonly SqlChunk[];
  /** Parameter names in order of first use; name `names[i]` becomes `$<i + 1>`. */
  readonly names: readonly string[];
}

export interface RenderedSql {
  readonly text: string;
  /** Maps a 1-based character position in `text` to one in the template's source. */
  mapPosition(position: number): number;
}

const isNameStart = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z_]/.test(ch);
const isNameChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);
/** Characters that may continue an identifier or number, so a `:` after them is not a parameter. */
const isWordChar = (ch: string | undefined): boolean =>
  ch !== undefined && (/[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) > 127);

/** Index just past the closing quote of a `'...'` literal; `backslashEscapes` for `E'...'`. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** If a dollar quote (`$$` or `$tag$`) opens at `start`, the index past its closing delimiter. */
function skipDollarQuoted(sql: string, start: number): number | undefined {
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(
    sql.slice(start, start + 200),
  );
  if (!match) return undefined;
  const delimiter = match[0];
  const end = sql.indexOf(delimiter, start + delimiter.length);
  return end === -1 ? sql.length : end + delimiter.length;
}

export function parseSqlTemplate(sql: string): SqlTemplate {
  const chunks: SqlChunk[] = [];
  const names: string[] = [];
  let textStart = 0;
  let i = 0;

  const flushText = (end: number): void => {
    if (end > textStart) chunks.push({ kind: 'text', text: sql.slice(textStart, end), offset: textStart });
  };

  while (i < sql.length) {
    const ch = sql[i];
    const prev = i > 0 ? sql[i - 1] : undefined;
    if (ch === "'") {
      const escaped = (prev === 'E' || prev === 'e') && !isWordChar(i > 1 ? sql[i - 2] : undefined);
      i = skipQuoted(sql, i, "'", escaped);
    } else if (ch === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
    } else if (ch === '$' && !isWordChar(prev)) {
      i = skipDollarQuoted(sql, i) ?? i + 1;
    } else if (ch === ':' && sql[i + 1] === ':') {
      i += 2;
    } else if (ch === ':' && isNameStart(sql[i + 1]) && !isWordChar(prev)) {
      let end = i + 2;
      while (isNameChar(sql[end])) end += 1;
      flushText(i);
      const name = sql.slice(i + 1, end);
      let index = names.indexOf(name);
      if (index === -1) {
        names.push(name);
        index = names.length - 1;
      }
      chunks.push({ kind: 'parameter', name, index, offset: i });
      i = end;
      textStart = end;
    } else {
      i += 1;
    }
  }
  flushText(sql.length);
  return { source: sql, chunks, names };
}

/** Renders the template with a placeholder per parameter index (0-based) and keeps a position map. */
export function renderSqlTemplate(
  template: SqlTemplate,
  placeholder: (index: number) => string,
): RenderedSql {
  const spans: Array<{ renderedStart: number; renderedEnd: number; sourceStart: number; verbatim: boolean }> =
    [];
  let text = '';
  for (const chunk of template.chunks) {
    const piece = chunk.kind === 'text' ? chunk.text : placeholder(chunk.index);
    spans.push({
      renderedStart: text.length,
      renderedEnd: text.length + piece.length,
      sourceStart: chunk.offset,
      verbatim: chunk.kind === 'text',
    });
    text += piece;
  }
  const mapPosition = (position: number): number => {
    const offset = position - 1;
    const span = spans.find((s) => offset >= s.renderedStart && offset < s.renderedEnd);
    if (!span) return template.source.length + 1;
    return span.sourceStart + (span.verbatim ? offset - span.renderedStart : 0) + 1;
  };
  return { text, mapPosition };
}
