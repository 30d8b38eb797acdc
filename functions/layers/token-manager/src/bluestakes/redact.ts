/** Upstream text quoted in error messages is cut to about this many characters. */
export const DEFAULT_SNIPPET_LENGTH = 200;

const REDACTED = '[REDACTED]';

// Belt and braces for secrets the caller could not name (a token in a login reply it failed to parse,
// a token issued to someone else): bearer values, JWT-shaped strings and JSON password fields.
const GENERIC_SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\bBearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/("pass(?:word)?"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone UTF-16 surrogates replaced by U+FFFD, as a transport would: encodeURIComponent throws on them. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Replaces every occurrence of the given secrets in `text` with `[REDACTED]`, including the forms an
 * upstream is likely to echo them in (JSON-escaped and URL-encoded), then masks anything that looks
 * like a bearer token, a JWT or a JSON password field. Empty secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    variants.add(secret);
    variants.add(JSON.stringify(secret).slice(1, -1));
    variants.add(encodeURIComponent(wellFormed(secret)));
  }
  // Longest first, so a secret that contains another is replaced whole.
  let result = text;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    if (variant !== '') result = result.split(variant).join(REDACTED);
  }
  for (const [pattern, replacement] of GENERIC_SECRET_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/**
 * Shortens `text` to at most `maxLength` characters (code points, so no emoji is cut in half),
 * marking the cut with an ellipsis.
 */
export function truncateText(text: string, maxLength: number = DEFAULT_SNIPPET_LENGTH): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  return `${chars.slice(0, Math.max(maxLength - 1, 0)).join('')}…`;
}

/**
 * Turns an upstream body into something safe to put in an error message: whitespace collapsed,
 * secrets redacted (before the cut, so a secret straddling the cut cannot leak a prefix), truncated.
 */
export function upstreamSnippet(
  body: string,
  secrets: readonly (string | undefined)[],
  maxLength: number = DEFAULT_SNIPPET_LENGTH,
): string {
  const redacted = redactSecrets(body, secrets);
  return truncateText(redacted.replace(/\s+/g, ' ').trim(), maxLength);
}
