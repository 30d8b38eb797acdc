import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BluestakesClientOptions,
  createBluestakesClient,
} from '../../../functions/layers/token-manager/src/bluestakes';
import {
  TokenRejectedError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../../../functions/layers/token-manager/src/errors';
import { rejectionOf } from './mock-upstream';

const TOKEN = 'tok-loopback';
const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
/** For the tests of the timeout: the server never answers, so any timeout is reached. */
const TIMEOUT_MS = 200;
/** For every other test: a loaded machine may take seconds to answer over loopback. */
const PATIENT_MS = 20_000;

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A bigger error body than the client keeps, to prove it still reads the rest. */
const BIG = 'e'.repeat(64 * 1024);

const routes: Record<string, Route> = {
  '/api/tickets/OK': (_req, res) => json(res, 200, { ticket: 'OK', revision: '0' }),
  '/api/tickets/MISSING': (_req, res) => json(res, 404, { message: BIG }),
  '/api/tickets/BROKEN': (_req, res) => json(res, 500, { message: BIG }),
  '/api/tickets/EXPIRED': (_req, res) => json(res, 401, { message: BIG }),
  '/api/tickets/HANG': () => {},
  '/api/tickets/SLOWBODY': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"ticket":"SLOW",');
  },
  '/api/tickets/DROP': (req) => req.socket.destroy(),
  '/api/tickets/LIMITED-SECONDS': (_req, res) =>
    json(res, 429, { message: 'slow down' }, { 'retry-after': '5' }),
  '/api/tickets/LIMITED-DATE': (_req, res) =>
    json(res, 429, { message: 'slow down' }, { 'retry-after': new Date(NOW + 90_000).toUTCString() }),
  '/api/login-json': () => {},
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

let server: Server;
let baseUrl: string;
/** The client port of every request the server saw, by path. */
const seenPorts: { path: string; port: number | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    seenPorts.push({ path, port: req.socket.remotePort });
    const route = routes[path];
    if (route) route(req, res);
    else json(res, 404, { message: 'no route' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

async function withClient<T>(
  options: Partial<BluestakesClientOptions>,
  run: (client: ReturnType<typeof createBluestakesClient>) => Promise<T>,
  agentOptions: Agent.Options = {},
): Promise<T> {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, ...agentOptions });
  try {
    return await run(
      createBluestakesClient({ baseUrl, dispatcher, requestTimeoutMs: PATIENT_MS, ...options }),
    );
  } finally {
    await dispatcher.destroy();
  }
}

describe('Bluestakes client over real sockets', () => {
  it('gives up on a server that never answers after the request timeout', async () => {
    const error = await withClient({ requestTimeoutMs: TIMEOUT_MS }, (client) =>
      rejectionOf(client.getTicket(TOKEN, 'HANG')),
    );

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect((error as Error).message).toContain(`${TIMEOUT_MS} ms`);
  });

  it('times out a body that stops half way', async () => {
    const error = await withClient({ requestTimeoutMs: TIMEOUT_MS }, (client) =>
      rejectionOf(client.getTicket(TOKEN, 'SLOWBODY')),
    );

    expect(error).toMatchObject({ name: 'UpstreamUnavailableError', kind: 'timeout' });
  });

  it('uses the login timeout for logins', async () => {
    const error = await withClient({ loginTimeoutMs: 150, requestTimeoutMs: 60_000 }, (client) =>
      rejectionOf(client.login('bob', 'pw')),
    );

    expect(error).toMatchObject({ name: 'UpstreamUnavailableError', kind: 'timeout' });
    expect((error as Error).message).toContain('150 ms');
  });

  it("rethrows the caller's abort reason rather than calling it an upstream failure", async () => {
    const reason = new Error('deadline of the caller');
    const controller = new AbortController();
    const error = await withClient({ requestTimeoutMs: 60_000 }, (client) => {
      const pending = rejectionOf(client.getTicket(TOKEN, 'HANG', {}, { signal: controller.signal }));
      setTimeout(() => controller.abort(reason), 50);
      return pending;
    });

    expect(error).toBe(reason);
  });

  it('reports a connection the server destroys as a network failure', async () => {
    const error = await withClient({}, (client) => rejectionOf(client.getTicket(TOKEN, 'DROP')));

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');

    const error = await withClient({ baseUrl: `http://127.0.0.1:${port}` }, (client) =>
      rejectionOf(client.getTicket(TOKEN, 'OK')),
    );

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('reuses one keep-alive connection across successes and error replies with large bodies', async () => {
    const before = seenPorts.length;
    // One connection only: a reply whose body the client left unread would block every later request.
    await withClient(
      {},
      async (client) => {
        await client.getTicket(TOKEN, 'OK');
        await expect(client.getTicket(TOKEN, 'MISSING')).rejects.toMatchObject({
          name: 'UpstreamNotFoundError',
        });
        await expect(client.getTicket(TOKEN, 'BROKEN')).rejects.toMatchObject({
          kind: 'status',
          status: 500,
        });
        await expect(client.getTicket(TOKEN, 'EXPIRED')).rejects.toBeInstanceOf(TokenRejectedError);
        await client.getTicket(TOKEN, 'OK');
      },
      { connections: 1 },
    );

    const ports = seenPorts.slice(before).map((seen) => seen.port);
    expect(ports).toHaveLength(5);
    expect(new Set(ports).size).toBe(1);
  });

  it('shares one keep-alive agent between clients built without a dispatcher', async () => {
    const first = createBluestakesClient({ baseUrl, requestTimeoutMs: PATIENT_MS });
    const second = createBluestakesClient({ baseUrl: `${baseUrl}/`, requestTimeoutMs: PATIENT_MS });
    const before = seenPorts.length;

    for (const client of [first, second, first, second]) await client.getTicket(TOKEN, 'OK');

    // undici may open a second socket while the first is being released; it must not open one per call.
    const ports = seenPorts.slice(before).map((seen) => seen.port);
    expect(ports).toHaveLength(4);
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });

  it('reads Retry-After sent as delta seconds and as an HTTP date', async () => {
    const [seconds, date] = await withClient({ now: () => NOW }, async (client) => [
      await rejectionOf(client.getTicket(TOKEN, 'LIMITED-SECONDS')),
      await rejectionOf(client.getTicket(TOKEN, 'LIMITED-DATE')),
    ]);

    expect(seconds).toBeInstanceOf(UpstreamRateLimitedError);
    expect(seconds).toMatchObject({ retryAfterMs: 5_000 });
    expect(date).toBeInstanceOf(UpstreamRateLimitedError);
    expect(date).toMatchObject({ retryAfterMs: 90_000 });
  });
});
