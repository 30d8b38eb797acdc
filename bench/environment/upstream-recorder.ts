/**
 * Sees every HTTP request a strategy sends to Bluestakes, as the upstream would: when it left, which
 * account it counts against and what status came back. The simulator only counts what it admitted;
 * "most requests sent in any window" needs the ones it refused too.
 */
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';

export type UpstreamRequestKind = 'login' | 'ticket';

export interface UpstreamRequestRecord {
  /** performance.now() when the request was handed to the connection pool. */
  readonly atMs: number;
  readonly kind: UpstreamRequestKind;
  /** Bluestakes username (from the login body or the bearer token's `sub`). */
  readonly account: string | undefined;
  /** Final status, once the response headers arrived; undefined for transport failures. */
  status: number | undefined;
}

type StatusListener = (status: number) => void;

function headerValue(headers: Dispatcher.DispatchOptions['headers'], name: string): string | undefined {
  if (headers === null || headers === undefined || Array.isArray(headers)) return undefined;
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') return undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return typeof value === 'string' ? value : undefined;
}

function accountFromBearer(authorization: string | undefined): string | undefined {
  const payload = authorization?.replace(/^bearer\s+/i, '').split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && 'sub' in claims && typeof claims.sub === 'string'
      ? claims.sub
      : undefined;
  } catch {
    return undefined;
  }
}

function accountFromLoginBody(body: Dispatcher.DispatchOptions['body']): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' &&
      parsed !== null &&
      'username' in parsed &&
      typeof parsed.username === 'string'
      ? parsed.username
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Forwards every handler method unchanged (bound to the real handler, which keeps its own state) and
 * reports the first final status, for both the legacy and the new undici handler interface.
 */
function observeStatus(
  handler: Dispatcher.DispatchHandler,
  listener: StatusListener,
): Dispatcher.DispatchHandler {
  let reported = false;
  const report = (status: unknown) => {
    if (!reported && typeof status === 'number' && status >= 200) {
      reported = true;
      listener(status);
    }
  };
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'onHeaders') {
        return (...args: unknown[]) => {
          report(args[0]);
          return method.apply(target, args);
        };
      }
      if (property === 'onResponseStart') {
        return (...args: unknown[]) => {
          report(args[1]);
          return method.apply(target, args);
        };
      }
      return method.bind(target);
    },
  });
}

class RecordingAgent extends Agent {
  readonly #onRequest: (options: Dispatcher.DispatchOptions) => StatusListener;

  constructor(onRequest: (options: Dispatcher.DispatchOptions) => StatusListener) {
    // Many sockets: each simulated container would have its own connection in production.
    super({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 10_000, connections: 128 });
    this.#onRequest = onRequest;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch(options, observeStatus(handler, this.#onRequest(options)));
  }
}

export interface UpstreamRecorder {
  readonly dispatcher: Dispatcher;
  /** Requests since the last reset, in the order they were sent. */
  readonly records: readonly UpstreamRequestRecord[];
  reset(): void;
  close(): Promise<void>;
}

export function createUpstreamRecorder(): UpstreamRecorder {
  let records: UpstreamRequestRecord[] = [];
  const agent = new RecordingAgent((options) => {
    const login = options.path.includes('/api/login');
    const record: UpstreamRequestRecord = {
      atMs: performance.now(),
      kind: login ? 'login' : 'ticket',
      account: login
        ? accountFromLoginBody(options.body)
        : accountFromBearer(headerValue(options.headers, 'authorization')),
      status: undefined,
    };
    records.push(record);
    return (status) => {
      record.status = status;
    };
  });
  return {
    dispatcher: agent,
    get records() {
      return records;
    },
    reset() {
      records = [];
    },
    async close() {
      await agent.destroy();
    },
  };
}
