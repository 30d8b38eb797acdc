/** A Lambda proxy result that API Gateway would accept, normalised for writing. */
export interface ValidProxyResult {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

type Scalar = string | number | boolean;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function headerPair(name: string, value: unknown): readonly [string, string] | undefined {
  if (!HEADER_NAME.test(name) || !isScalar(value)) return undefined;
  const text = String(value);
  return HEADER_VALUE_FORBIDDEN.test(text) ? undefined : [name, text];
}

/**
 * Checks a handler's return value the way API Gateway does; `undefined` means "malformed Lambda
 * proxy response" (API Gateway answers 502).
 *
 * @param result - whatever the handler resolved with
 */
export function validateProxyResult(result: unknown): ValidProxyResult | undefined {
  if (!isRecord(result)) return undefined;
  const { statusCode, headers = {}, multiValueHeaders = {}, body, isBase64Encoded = false } = result;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (!isRecord(headers) || !isRecord(multiValueHeaders) || typeof isBase64Encoded !== 'boolean')
    return undefined;
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  const pairs: (readonly [string, string])[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const pair = headerPair(name, value);
    if (pair === undefined) return undefined;
    pairs.push(pair);
  }
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (!Array.isArray(values)) return undefined;
    for (const value of values) {
      const pair = headerPair(name, value);
      if (pair === undefined) return undefined;
      pairs.push(pair);
    }
  }
  const text = body ?? '';
  return { statusCode, headers: pairs, body: Buffer.from(text, isBase64Encoded ? 'base64' : 'utf8') };
}
