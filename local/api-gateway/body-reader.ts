import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large'; readonly drained: boolean }
  | { readonly kind: 'aborted' };

/**
 * Reads the request body up to `limit` bytes. Past the limit it keeps reading (and dropping) up to
 * `drainLimit` bytes, so a client still uploading sees the 413 instead of a reset connection; past
 * that it stops and the caller closes the connection.
 */
export function readRequestBody(
  req: IncomingMessage,
  limit: number,
  drainLimit: number,
): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      if (size > drainLimit) {
        req.pause();
        settle({ kind: 'too-large', drained: false });
      }
    });
    req.on('end', () =>
      settle(
        size > limit ? { kind: 'too-large', drained: true } : { kind: 'ok', body: Buffer.concat(chunks) },
      ),
    );
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}
