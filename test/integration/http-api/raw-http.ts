import { type Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export interface RawRequest {
  readonly method: string;
  /** Sent exactly as given (no normalisation), query string included. */
  readonly path: string;
  /** Header names keep their casing; arrays send the header several times. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Buffer | Readable;
  readonly timeoutMs?: number;
  readonly agent?: Agent;
}

/**
 * One HTTP request with node:http, which (unlike fetch) keeps header casing, sends odd paths as they
 * are and can stream a chunked body. Rejects after `timeoutMs` so a hang fails the test.
 */
export function rawRequest(baseUrl: string, init: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const timeoutMs = init.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      method: init.method,
      path: init.path,
      agent: init.agent ?? false,
      signal: AbortSignal.timeout(timeoutMs),
    });
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      req.setHeader(name, typeof value === 'string' ? value : [...value]);
    }
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    const { body } = init;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      // Node frames a GET/DELETE/OPTIONS body only with an explicit length.
      if (!req.hasHeader('content-length')) req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    } else body.pipe(req);
  });
}

/** Writes raw bytes on a fresh connection and returns whatever comes back before the server closes it. */
export function rawSocketExchange(baseUrl: string, bytes: string, timeoutMs = 5_000): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw exchange timed out'));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.write(bytes);
  });
}
