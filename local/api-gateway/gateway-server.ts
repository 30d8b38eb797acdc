import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpRoute } from '../../functions/http-routes';
import { readRequestBody } from '../http/body-reader';
import { apiKeyMatches } from './api-key';
import type { ProxyHandler } from './handler-loader';
import { createLambdaContext } from './lambda-context';
import { buildProxyEvent } from './proxy-event';
import { validateProxyResult } from './proxy-result';
import { createRouteMatcher, type RouteMatcher } from './route-matcher';

/** One line per request; never the query string, headers, body or API key. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly resource: string | null;
  readonly status: number;
  readonly durationMs: number;
}

export interface GatewaySettings {
  readonly apiKey: string;
  readonly routes: readonly HttpRoute[];
  readonly handlers: ReadonlyMap<string, ProxyHandler>;
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly maxBodyBytes: number;
  readonly integrationTimeoutMs: number;
  readonly lambdaTimeoutMs: number;
  readonly lambdaMemoryMb: number;
  readonly functionNamePrefix: string;
  readonly binaryMediaTypes: readonly string[];
  readonly onAccessLog: ((entry: AccessLogEntry) => void) | undefined;
}

interface GatewayReply {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly resource: string | null;
  readonly closeConnection?: boolean;
}

const TIMED_OUT = Symbol('timed out');

function gatewayError(status: number, message: string, resource: string | null = null): GatewayReply {
  return {
    status,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ message })),
    resource,
  };
}

/** Splits the request target into path and query; absolute-form targets keep only their path. */
function splitTarget(target: string): { path: string; query: string } {
  let pathAndQuery = target;
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      pathAndQuery = `${url.pathname}${url.search}`;
    } catch {
      return { path: '', query: '' };
    }
  }
  const at = pathAndQuery.indexOf('?');
  return at === -1
    ? { path: pathAndQuery, query: '' }
    : { path: pathAndQuery.slice(0, at), query: pathAndQuery.slice(at + 1) };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The request pipeline, in API Gateway's order: resource and method (403 Missing Authentication
 * Token), API key (403 Forbidden), payload size (413), then the Lambda proxy integration (502 for a
 * thrown error or a malformed result, 504 past the integration timeout).
 */
async function handle(
  settings: GatewaySettings,
  matcher: RouteMatcher,
  req: IncomingMessage,
  requestId: string,
): Promise<GatewayReply> {
  const method = req.method ?? 'GET';
  const { path, query } = splitTarget(req.url ?? '');
  const match = matcher.match(method, path);
  if (match.kind === 'not-found') return gatewayError(403, 'Missing Authentication Token');
  const { route } = match;
  const presentedKey = singleHeader(req, 'x-api-key');
  if (!apiKeyMatches(presentedKey, settings.apiKey)) return gatewayError(403, 'Forbidden', route.path);

  const declared = Number(singleHeader(req, 'content-length'));
  if (Number.isFinite(declared) && declared > settings.maxBodyBytes) {
    return { ...gatewayError(413, 'Request Too Long', route.path), closeConnection: true };
  }
  const read = await readRequestBody(req, {
    limit: settings.maxBodyBytes,
    drainLimit: settings.maxBodyBytes * 2,
  });
  if (read.kind === 'aborted') return gatewayError(400, 'Bad Request', route.path);
  if (read.kind === 'too-large') {
    return { ...gatewayError(413, 'Request Too Long', route.path), closeConnection: !read.drained };
  }

  const handler = settings.handlers.get(route.handler);
  if (handler === undefined) return gatewayError(502, 'Internal server error', route.path);
  const event = buildProxyEvent({
    requestId,
    method,
    resource: route.path,
    path,
    rawQuery: query,
    pathParameters: match.pathParameters,
    rawHeaders: req.rawHeaders,
    body: read.body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    apiKey: presentedKey ?? null,
    stage: settings.stage,
    accountId: settings.accountId,
    apiId: settings.apiId,
    binaryMediaTypes: settings.binaryMediaTypes,
    receivedAt: new Date(),
  });
  const context = createLambdaContext({
    functionName: `${settings.functionNamePrefix}${route.handler}`,
    timeoutMs: settings.lambdaTimeoutMs,
    region: settings.region,
    accountId: settings.accountId,
    memoryLimitMb: settings.lambdaMemoryMb,
  });
  let result: unknown;
  try {
    result = await withTimeout(
      Promise.resolve().then(() => handler(event, context)),
      settings.integrationTimeoutMs,
    );
  } catch {
    return gatewayError(502, 'Internal server error', route.path);
  }
  if (result === TIMED_OUT) return gatewayError(504, 'Endpoint request timed out', route.path);
  const valid = validateProxyResult(result);
  if (valid === undefined) return gatewayError(502, 'Internal server error', route.path);
  return { status: valid.statusCode, headers: valid.headers, body: valid.body, resource: route.path };
}

function send(res: ServerResponse, reply: GatewayReply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of reply.headers) {
    const existing = headers[name];
    headers[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  headers['x-amzn-requestid'] = requestId;
  headers['content-length'] = String(reply.body.length);
  if (reply.closeConnection) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/**
 * Creates (but does not start) the HTTP server of the local gateway.
 *
 * @param settings - resolved options, with every handler already loaded
 */
export function createGatewayServer(settings: GatewaySettings): Server {
  // Built up front, so a bad route table fails at start and not on the first request.
  const matcher = createRouteMatcher(settings.routes);
  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    handle(settings, matcher, req, requestId)
      .catch(() => gatewayError(500, 'Internal server error'))
      .then((reply) => {
        try {
          send(res, reply, requestId);
        } catch {
          // A handler's header the HTTP layer refuses: API Gateway would call the response malformed.
          send(res, gatewayError(502, 'Internal server error', reply.resource), requestId);
        }
        if (reply.closeConnection) res.once('finish', () => req.socket.destroySoon());
        settings.onAccessLog?.({
          requestId,
          method: req.method ?? '',
          path: splitTarget(req.url ?? '').path,
          resource: reply.resource,
          status: reply.status,
          durationMs: Math.round(performance.now() - started),
        });
      });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerUnparsable(error, socket));
  // Node hands CONNECT to this event and, with no listener, closes the socket without a word. No route
  // defines CONNECT, so it gets the answer of any method the API lacks.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const started = performance.now();
    const requestId = randomUUID();
    const reply = gatewayError(403, 'Missing Authentication Token');
    writeRawReply(socket, '403 Forbidden', reply.body, requestId);
    settings.onAccessLog?.({
      requestId,
      method: req.method ?? '',
      path: '',
      resource: null,
      status: reply.status,
      durationMs: Math.round(performance.now() - started),
    });
  });
  return server;
}

/** A whole JSON reply written straight to a socket Node has handed over, then the connection closed. */
function writeRawReply(socket: Duplex, status: string, body: Buffer, requestId?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const idHeader = requestId === undefined ? '' : `x-amzn-requestid: ${requestId}\r\n`;
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n${idHeader}` +
          `content-length: ${body.length}\r\nconnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}

/** Node's default answer to an unparsable request has no body; API Gateway's is JSON. */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({ message: tooLarge ? 'Request Header Fields Too Large' : 'Bad Request' });
  writeRawReply(
    socket,
    tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request',
    Buffer.from(body),
  );
}

/** Resolves with the bound address once listening. */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
