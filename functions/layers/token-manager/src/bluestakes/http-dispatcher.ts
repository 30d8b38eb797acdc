import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one method of an undici `Dispatcher` the client uses (any Agent, Pool or MockAgent has it): the
 * port between the client and the socket pool, which `wiring/undici-http.ts` supplies.
 */
export interface HttpDispatcher {
  request(options: {
    origin: string;
    path: string;
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body: string | null;
    signal: AbortSignal;
  }): Promise<HttpResponse>;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: AsyncIterable<unknown> & { text(): Promise<string> };
}
