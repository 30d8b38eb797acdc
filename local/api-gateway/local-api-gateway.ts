import type { Server } from 'node:http';
import { HTTP_ROUTES, type HttpRoute } from '../../functions/http-routes';
import { DEPLOYED_TIMINGS } from '../deployed-timings';
import { type AccessLogEntry, createGatewayServer, listen } from './gateway-server';
import { loadFunctionHandler, type ProxyHandler } from './handler-loader';

export interface LocalApiGatewayOptions {
  /** Required on every route in the `x-api-key` header. */
  readonly apiKey: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default HTTP_ROUTES */
  readonly routes?: readonly HttpRoute[];
  /** How a route's handler folder becomes a handler. @default importing `functions/<folder>/handler.ts` */
  readonly loadHandler?: (folder: string) => Promise<ProxyHandler>;
  /** Shown in `requestContext.stage` and `requestContext.path`. @default 'local' */
  readonly stage?: string;
  /** API Gateway's integration timeout: past it the caller gets 504. @default 29 000, as deployed */
  readonly integrationTimeoutMs?: number;
  /** The functions' timeout, seen through `context.getRemainingTimeInMillis()`. @default 25 000, as deployed */
  readonly lambdaTimeoutMs?: number;
  /** API Gateway's payload limit. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** Content types passed base64-encoded (`isBase64Encoded: true`). @default ['application/octet-stream'] */
  readonly binaryMediaTypes?: readonly string[];
  /** Called once per request (no query string, headers, body or key in the entry). */
  readonly onAccessLog?: (entry: AccessLogEntry) => void;
}

export interface LocalApiGateway {
  /** e.g. `http://127.0.0.1:54321`; routes are served at the root (no stage prefix). */
  readonly url: string;
  /** Stops accepting connections, ends idle and open ones, and resolves once the port is free. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

async function loadHandlers(
  routes: readonly HttpRoute[],
  load: (folder: string) => Promise<ProxyHandler>,
): Promise<Map<string, ProxyHandler>> {
  const folders = [...new Set(routes.map((route) => route.handler))];
  const loaded = await Promise.all(folders.map(async (folder) => [folder, await load(folder)] as const));
  return new Map(loaded);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}

/**
 * Serves the route table over HTTP the way API Gateway (REST, Lambda proxy) would: the same route
 * matching, API-key rule, payload limit and error answers, invoking the very `handler` exports
 * Lambda runs with a REST v1 proxy event and a Lambda context. Handlers are loaded before it listens.
 *
 * @param options - see {@link LocalApiGatewayOptions}
 */
export async function startLocalApiGateway(options: LocalApiGatewayOptions): Promise<LocalApiGateway> {
  if (options.apiKey === '') throw new Error('The local API gateway needs a non-empty apiKey');
  const routes = options.routes ?? HTTP_ROUTES;
  const handlers = await loadHandlers(routes, options.loadHandler ?? loadFunctionHandler);
  const server = createGatewayServer({
    apiKey: options.apiKey,
    routes,
    handlers,
    stage: options.stage ?? 'local',
    region: 'us-east-1',
    accountId: '123456789012',
    apiId: 'local',
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    integrationTimeoutMs: options.integrationTimeoutMs ?? DEPLOYED_TIMINGS.integrationTimeoutMs,
    lambdaTimeoutMs: options.lambdaTimeoutMs ?? DEPLOYED_TIMINGS.httpFunctionTimeoutMs,
    lambdaMemoryMb: 256,
    functionNamePrefix: 'bluestakes-token-service-',
    binaryMediaTypes: options.binaryMediaTypes ?? ['application/octet-stream'],
    onAccessLog: options.onAccessLog,
  });
  const address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => closeServer(server) };
}
