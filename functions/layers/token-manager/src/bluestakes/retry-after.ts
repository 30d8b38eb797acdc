/** Longest wait a Retry-After may impose: a hostile or buggy value must not park callers for hours. */
export const DEFAULT_RETRY_AFTER_CAP_MS = 10 * 60 * 1000;

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
// RFC 9110 allows three date forms (IMF-fixdate, RFC 850, asctime); all of them name a weekday and a
// month. Requiring letters keeps Date.parse's leniency ("5" is the year 2001) out of the picture.
const HAS_LETTERS = /[A-Za-z]{3}/;
// HTTP dates are always GMT, but the asctime form does not say so and Date.parse would read it as local.
const HAS_ZONE = /(?:GMT|UTC|Z)$|[+-]\d{2}:?\d{2}$/i;

/**
 * Parses an HTTP `Retry-After` value in either form: delta seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns milliseconds to wait from `now`, never negative and
 * never above `capMs`, or `undefined` when the header is absent or unreadable.
 *
 * @param value the header value (undici gives `string[]` for repeated headers; the first one counts)
 * @param now the current time, used to turn an HTTP-date into a delay
 * @param capMs the largest delay returned
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  now: Date | number = Date.now(),
  capMs: number = DEFAULT_RETRY_AFTER_CAP_MS,
): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;

  let delayMs: number;
  if (DELTA_SECONDS.test(text)) {
    delayMs = Math.ceil(Number(text) * 1000);
  } else if (HAS_LETTERS.test(text)) {
    const at = Date.parse(HAS_ZONE.test(text) ? text : `${text} GMT`);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - (typeof now === 'number' ? now : now.getTime());
  } else {
    return undefined;
  }
  if (!Number.isFinite(delayMs)) return capMs;
  return Math.min(Math.max(delayMs, 0), capMs);
}
