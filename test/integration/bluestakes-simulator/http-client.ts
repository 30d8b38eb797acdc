import type { BluestakesSimulator } from '../../../local/bluestakes-simulator';

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function parse(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

export async function request(
  sim: BluestakesSimulator,
  path: string,
  init: RequestInit = {},
): Promise<HttpResult> {
  return parse(await fetch(`${sim.url}${path}`, init));
}

export function loginJson(sim: BluestakesSimulator, body: unknown): Promise<HttpResult> {
  return request(sim, '/api/login-json', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Logs in and returns the token without its `Bearer ` prefix; fails the test on anything but 200. */
export async function tokenFor(
  sim: BluestakesSimulator,
  username: string,
  password: string,
): Promise<string> {
  const result = await loginJson(sim, { username, password });
  if (result.status !== 200) throw new Error(`login for ${username} answered ${result.status}`);
  const header = (result.body as { Authorization: string }).Authorization;
  return header.slice('Bearer '.length);
}

export function getWithToken(sim: BluestakesSimulator, path: string, token: string): Promise<HttpResult> {
  return request(sim, path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
}

export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

export function messageOf(result: HttpResult): unknown {
  return (result.body as { message?: unknown }).message;
}
