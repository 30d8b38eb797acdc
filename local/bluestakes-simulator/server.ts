import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleAdmin } from './admin-routes';
import { matchApiRoute, type Reply } from './api-routes';
import { writeJson } from './http-io';
import type { SimulatorState } from './state';

export interface SimulatorServer {
  readonly server: Server;
  /** Stops listening, cuts every connection (hung ones too) and cancels pending latency timers. */
  close(): Promise<void>;
}

/** The reply function for one request; `counted` replies go into the per-status counters. */
function replier(state: SimulatorState, res: ServerResponse, counted: boolean): Reply {
  return (status, body, headers) => {
    if (writeJson(res, status, body, headers) && counted) state.stats.response(status);
  };
}

async function handleApi(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  const route = matchApiRoute(url.pathname);
  state.stats.request(route.endpoint);
  const reply = replier(state, res, true);
  const latency = state.latencyMs();
  if (latency > 0) await delay(latency);

  const fault = route.target ? state.faults.draw(route.target) : undefined;
  if (fault) {
    state.stats.fault(fault.kind);
    if (fault.kind === 'status') return reply(fault.status, { message: 'Simulated upstream failure' });
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    // A hang answers nothing: the client's timeout or close() ends it.
    return;
  }
  await route.handle(state, req, url, reply);
}

async function handle(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://simulator.invalid');
  } catch {
    writeJson(res, 400, { message: 'Malformed request target' });
    return;
  }
  if (url.pathname.startsWith('/__sim/')) return handleAdmin(state, req, url, replier(state, res, false));
  return handleApi(state, req, res, url, delay);
}

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({ message: status.slice(4) });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function createSimulatorServer(state: SimulatorState): SimulatorServer {
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    handle(state, req, res, delay).catch(() => {
      // A bug must not take the simulator down: answer 500 if we still can, else cut the connection.
      if (!writeJson(res, 500, { message: 'Simulator error' })) res.destroy();
    });
  });
  server.on('clientError', answerClientError);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };
  return { server, close };
}
