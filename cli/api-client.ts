/** The HTTP API as the CLI and the smoke check call it: JSON in, JSON out, the key in `x-api-key`. */

export interface ApiTarget {
  /** The stage's invoke URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/v1/`. */
  readonly url: string;
  readonly key: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (undefined when the body was not JSON). */
  readonly body: unknown;
  readonly text: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Overrides the target's key; null sends none (to check that the key is enforced). */
  readonly key?: string | null;
  readonly timeoutMs?: number;
}

/** Could not talk to the API at all (DNS, refused connection, timeout): a target problem, not an API answer. */
export class ApiUnreachableError extends Error {
  constructor(url: string, options: { cause: unknown }) {
    super(
      `Could not reach ${url}: ${describeCause(options.cause)}. Check --api (or BLUESTAKES_API_URL)`,
      options,
    );
    this.name = 'ApiUnreachableError';
  }
}

/** The API answered with an error status. `code` is the service's error code when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(method: string, path: string, response: ApiResponse) {
    const { code, message } = errorOf(response.body);
    super(
      `${method} ${path} answered ${response.status}${code ? ` ${code}` : ''}: ${message ?? response.text.slice(0, 200)}`,
    );
    this.name = 'ApiError';
    this.status = response.status;
    this.code = code;
    const retryAfter = Number(response.headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  }

  /** API Gateway's own 403: a missing or wrong key, or a route this stage does not have. */
  get isGatewayForbidden(): boolean {
    return this.status === 403 && this.code === undefined;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

function errorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const error = Reflect.get(body, 'error');
  if (typeof error === 'object' && error !== null) {
    const code = Reflect.get(error, 'code');
    const message = Reflect.get(error, 'message');
    return {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    };
  }
  const message = Reflect.get(body, 'message');
  return typeof message === 'string' ? { message } : {};
}

export interface ApiClient {
  readonly target: ApiTarget;
  /** Any answer, error statuses included (the smoke check inspects those). */
  send(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** A 2xx answer's body, or an ApiError. */
  call<T = Record<string, unknown>>(method: string, path: string, options?: RequestOptions): Promise<T>;
}

export function createApiClient(target: ApiTarget, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = target.url.endsWith('/') ? target.url : `${target.url}/`;
  const send: ApiClient['send'] = async (method, path, options = {}) => {
    const url = new URL(path.replace(/^\//, ''), base);
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = options.key === undefined ? target.key : options.key;
    if (key !== null) headers['x-api-key'] = key;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new ApiUnreachableError(url.origin, { cause: error });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  return {
    target,
    send,
    async call(method, path, options) {
      const response = await send(method, path, options);
      if (response.status < 200 || response.status > 299) throw new ApiError(method, path, response);
      return response.body as never;
    },
  };
}
