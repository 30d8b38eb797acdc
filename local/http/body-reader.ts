import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  /** `drained`: the rest of the body was (or is being) read, so the connection can stay open. */
  | { readonly kind: 'too-large'; readonly drained: boolean }
  | { readonly kind: 'aborted' };

export interface BodyLimits {
  /** Bytes kept; a body longer than this (or declaring more) is too large. */
  readonly limit: number;
  /**
   * Past this many bytes reading stops and the caller should close the connection, instead of
   * draining an endless upload. @default no bound
   */
  readonly drainLimit?: number;
  /**
   * Answer too-large as soon as the body passes `limit`, while the rest is still read and dropped;
   * otherwise only once the body has ended. @default false
   */
  readonly answerEarly?: boolean;
}

/**
 * Reads a request body up to `limit` bytes. An oversized body is drained rather than left unread, so
 * a client still uploading gets the 413 instead of a reset connection.
 */
export function readRequestBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyReadResult> {
  if (req.destroyed) return Promise.resolve({ kind: 'aborted' });
  const { limit, drainLimit = Number.POSITIVE_INFINITY, answerEarly = false } = limits;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    let oversized = Number.isFinite(declared) && declared > limit;
    if (oversized && answerEarly) settle({ kind: 'too-large', drained: true });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) oversized = true;
      if (!oversized) chunks.push(chunk);
      else if (answerEarly) settle({ kind: 'too-large', drained: true });
      if (size > drainLimit) {
        req.pause();
        settle({ kind: 'too-large', drained: false });
      }
    });
    req.on('end', () =>
      settle(
        oversized ? { kind: 'too-large', drained: true } : { kind: 'ok', body: Buffer.concat(chunks, size) },
      ),
    );
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}
