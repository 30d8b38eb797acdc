import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;
/** Past this we stop reading and close the connection instead of draining an endless upload. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

export type BodyRead =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large'; readonly closeConnection: boolean }
  | { readonly kind: 'aborted' };

/**
 * Reads at most 64 KiB. An oversized body is drained before answering so the client, still
 * uploading, gets a 413 rather than a reset connection.
 */
export function readBody(req: IncomingMessage): Promise<BodyRead> {
  if (req.destroyed) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const declared = Number(req.headers['content-length']);
    let oversized = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    const finish = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) oversized = true;
      if (!oversized) chunks.push(chunk);
      if (size > MAX_DRAIN_BYTES) {
        req.pause();
        finish({ kind: 'too-large', closeConnection: true });
      }
    });
    req.on('end', () =>
      finish(
        oversized
          ? { kind: 'too-large', closeConnection: false }
          : { kind: 'ok', body: Buffer.concat(chunks) },
      ),
    );
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => finish({ kind: 'aborted' }));
  });
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Writes a JSON reply unless the client is gone or something already answered; says whether it wrote. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): boolean {
  if (res.headersSent || res.destroyed || res.writableEnded) return false;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
  return true;
}
