import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON reply unless the client is gone or something already answered; says whether it wrote.
 * `headers` may replace the JSON content type (e.g. AWS's `application/x-amz-json-1.1`), in any casing.
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): boolean {
  if (res.headersSent || res.destroyed || res.writableEnded) return false;
  const payload = JSON.stringify(body);
  const byName = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries({ 'content-type': 'application/json', ...headers })) {
    byName.set(name.toLowerCase(), [name, value]);
  }
  byName.set('content-length', ['content-length', String(Buffer.byteLength(payload))]);
  res.writeHead(status, Object.fromEntries(byName.values()));
  res.end(payload);
  return true;
}
