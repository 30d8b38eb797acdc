/**
 * Decoders for PostgreSQL's text output format. Results are always fetched as text so both backends
 * (PGlite and node-postgres) produce identical values, and these turn that text into what v2 returns.
 */

/** Elements of a 1-D array literal (`{1,NULL,"a,b"}`), or undefined for a multi-dimensional array. */
export function parseArrayLiteral(text: string): Array<string | null> | undefined {
  let i = 0;
  if (text.startsWith('[')) {
    const equals = text.indexOf('=');
    if (equals === -1) throw new Error(`Malformed array literal: ${text}`);
    if ((text.slice(0, equals).match(/\[/g) ?? []).length > 1) return undefined;
    i = equals + 1;
  }
  if (text[i] !== '{') throw new Error(`Malformed array literal: ${text}`);
  i += 1;
  const elements: Array<string | null> = [];
  if (text[i] === '}') return elements;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{') return undefined;
    if (ch === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i += 1;
        value += text[i] ?? '';
        i += 1;
      }
      elements.push(value);
      i += 1;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end += 1;
      const raw = text.slice(i, end).trim();
      elements.push(raw.toUpperCase() === 'NULL' ? null : raw);
      i = end;
    }
    if (text[i] === ',') i += 1;
    else if (text[i] === '}') return elements;
    else throw new Error(`Malformed array literal: ${text}`);
  }
  throw new Error(`Malformed array literal: ${text}`);
}

/** bytea in either output format: `\x0102` (hex, the default) or the legacy escape format. */
export function decodeBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'latin1'));
    } else if (text[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

const TIMESTAMPTZ =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?( BC)?$/;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * timestamptz text (`2024-01-01 10:00:00.5+00`) as UTC without an offset (`2024-01-01 10:00:00.5`), which
 * is how v2 returns it. Sessions run with TimeZone=UTC, but a transaction may `SET LOCAL TimeZone`.
 */
export function timestamptzToUtc(text: string): string {
  const match = TIMESTAMPTZ.exec(text);
  if (!match) return text;
  const [
    ,
    year,
    month,
    day,
    hour,
    minute,
    second,
    fraction = '',
    sign,
    offH,
    offM = '0',
    offS = '0',
    era = '',
  ] = match;
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(offH) * 3600 + Number(offM) * 60 + Number(offS));
  if (offsetSeconds === 0) return `${year}-${month}-${day} ${hour}:${minute}:${second}${fraction}${era}`;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second) - offsetSeconds, 0);
  const utc =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${utc}${fraction}${era}`;
}

/**
 * JSON with insignificant whitespace removed (v2 re-serialises json/jsonb compactly). Done on the text,
 * not with JSON.parse, so large numbers and key order survive untouched.
 */
export function compactJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 1;
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      out += ch;
    }
  }
  return out;
}
