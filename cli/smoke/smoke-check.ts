import { randomBytes } from 'node:crypto';
import { HTTP_ROUTES } from '../../functions/http-routes';
import { type ApiClient, ApiError, type ApiResponse } from '../api-client';
import { loadOpenApi, type OpenApiDocument } from './openapi-document';
import { ABSENT_ID, genericProbe, readOnlyProbes, routeKey, WRITE_ONLY_ROUTES } from './route-probes';
import type { CheckResult } from './smoke-report';

export interface SmokeOptions {
  /** Also create, change and remove a scratch company (and run the cleanup). */
  readonly write: boolean;
  /** Bluestakes credentials for the scratch company, to check logins, token reuse and clear. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Called as each check finishes, so progress shows as it happens. */
  readonly onResult?: (result: CheckResult) => void;
  readonly openApi?: OpenApiDocument;
}

/** A well-formed ticket number no one has: looking it up costs one upstream call and finds nothing. */
const ABSENT_TICKET = 'A000000001';

class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

/**
 * Checks a running stage end to end: the API key is enforced, every route answers as `openapi.yaml`
 * says, and with `write` a scratch company goes through create, credentials, a token reused without a
 * new login, clear, cleanup and removal. Read-only unless `write` is set.
 */
export async function runSmokeCheck(api: ApiClient, options: SmokeOptions): Promise<CheckResult[]> {
  const doc = options.openApi ?? loadOpenApi();
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const check = async (name: string, body: () => Promise<string | undefined>): Promise<boolean> => {
    try {
      record({ name, outcome: 'pass', detail: (await body()) ?? '' });
      return true;
    } catch (error) {
      record({ name, outcome: 'fail', detail: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const skip = (name: string, detail: string) => record({ name, outcome: 'skip', detail });

  /** Sends, checks the status, and validates the body against the operation's documented response. */
  const documented = async (
    method: string,
    path: string,
    url: string,
    expected: number,
    init: { body?: unknown; key?: string | null } = {},
  ): Promise<ApiResponse> => {
    const response = await api.send(method, url, init);
    if (response.status !== expected) {
      fail(`expected ${expected}, got ${response.status}: ${response.text.slice(0, 160)}`);
    }
    let schema: ReturnType<OpenApiDocument['responseSchema']>;
    try {
      schema = doc.responseSchema(method, path, response.status);
    } catch (error) {
      fail(`openapi.yaml documents no ${response.status} for ${method} ${path}: ${String(error)}`);
    }
    const problems = doc.validate(response.body, schema);
    if (problems.length > 0) fail(`answer does not match openapi.yaml: ${problems.slice(0, 3).join('; ')}`);
    return response;
  };
  const body = (response: ApiResponse) => response.body as Record<string, unknown>;

  // 0. A refused key makes every other check meaningless: stop with the gateway's answer (exit 3).
  const preflight = await api.send('GET', '/tokens/stats');
  if (preflight.status === 403) throw new ApiError('GET', '/tokens/stats', preflight);

  // 1. The API key is enforced on every route.
  await check('API key required', async () => {
    for (const route of HTTP_ROUTES) {
      const url = route.path.replace(/\{\w+\}/g, route.path.includes('{ticket}') ? 'A1' : ABSENT_ID);
      for (const key of [null, `wrong-${randomBytes(8).toString('hex')}`]) {
        const response = await api.send(route.method, url, { key });
        if (response.status !== 403)
          fail(
            `${route.method} ${url} answered ${response.status} with ${key === null ? 'no' : 'a wrong'} key`,
          );
      }
    }
    return `${HTTP_ROUTES.length} routes refuse a missing and a wrong key with 403`;
  });

  // 2. Every route answers as documented (read-only requests).
  let knownCompanyId: string | undefined;
  try {
    const page = body(await api.send('GET', '/companies?limit=1'));
    const first = (page.companies as { id?: string }[] | undefined)?.[0];
    knownCompanyId = first?.id;
  } catch {
    // The route check below reports the failure.
  }
  const probes = readOnlyProbes(knownCompanyId);
  const probed = new Set(probes.map((probe) => probe.route));
  for (const route of HTTP_ROUTES) {
    const key = routeKey(route.method, route.path);
    if (probed.has(key)) continue;
    if (WRITE_ONLY_ROUTES.has(key)) {
      if (!options.write) skip(key, 'it changes data: checked with --write');
      continue;
    }
    const probe = genericProbe(route);
    if (probe === undefined) skip(key, 'no read-only request known for this route');
    else probes.push(probe);
  }
  for (const probe of probes) {
    const [method = '', path = ''] = probe.route.split(' ');
    await check(`${probe.route} answers as documented`, async () => {
      await documented(
        method,
        path,
        probe.url,
        probe.expect,
        probe.body === undefined ? {} : { body: probe.body },
      );
      return `${probe.expect}`;
    });
  }

  // 3. A cached token as the registry and the status route report it (read-only).
  const withToken = knownCompanyId;
  if (withToken !== undefined) {
    await check(`company ${withToken}: registry and status agree on its token`, async () => {
      const company = body(await api.send('GET', `/companies/${withToken}`));
      const status = body(await api.send('GET', `/tokens/${withToken}/status`));
      const token = company.token as { fingerprint: string | null; version: string };
      if (token.fingerprint !== status.token_fingerprint || token.version !== status.version) {
        fail(
          `registry says ${token.fingerprint}/v${token.version}, status says ${String(status.token_fingerprint)}/v${String(status.version)}`,
        );
      }
      return token.fingerprint === null
        ? 'no token cached'
        : `fingerprint ${token.fingerprint}, version ${token.version}`;
    });
  }

  if (!options.write) {
    skip('write checks', 'read-only run; --write uses a scratch company it removes');
    return results;
  }

  // 4. A scratch company through its whole life; removed whatever happens.
  const name = `smoke-check-${new Date().toISOString().slice(0, 19)}-${randomBytes(3).toString('hex')}`;
  let scratchId: string | undefined;
  await check('POST /companies creates a scratch company', async () => {
    const created = body(
      await documented('POST', '/companies', '/companies', 201, { body: { name, token_ttl_seconds: 600 } }),
    );
    scratchId = String(created.id);
    if (created.enabled !== true || created.has_credentials !== false)
      fail('a new company must be enabled, without credentials');
    return `company ${scratchId}`;
  });
  if (scratchId === undefined) return results;
  const id = scratchId;
  try {
    await check('GET and PATCH /companies/{company_id} on the scratch company', async () => {
      await documented('GET', '/companies/{company_id}', `/companies/${id}`, 200);
      const changed = body(
        await documented('PATCH', '/companies/{company_id}', `/companies/${id}`, 200, {
          body: { token_ttl_seconds: null },
        }),
      );
      if (changed.token_ttl_seconds !== null) fail('the lifetime was not reset to the default');
      return undefined;
    });

    if (options.credentials === undefined) {
      skip('login, token reuse and clear', 'pass --username (password on stdin or the prompt) to check them');
    } else {
      const { username, password } = options.credentials;
      let fingerprint: unknown;
      let version: unknown;
      const stored = await check(
        'POST /tokens/credentials/{company_id} verifies by a login and caches the token',
        async () => {
          await documented('POST', '/tokens/credentials/{company_id}', `/tokens/credentials/${id}`, 200, {
            body: { username, password },
          });
          const status = body(
            await documented('GET', '/tokens/{company_id}/status', `/tokens/${id}/status`, 200),
          );
          if (status.has_valid_token !== true) fail('no valid token after storing verified credentials');
          fingerprint = status.token_fingerprint;
          version = status.version;
          return `fingerprint ${String(fingerprint)}, version ${String(version)}`;
        },
      );
      if (stored) {
        await check('a ticket call reuses the cached token (same fingerprint, no new login)', async () => {
          const before = body(await api.send('GET', '/tokens/stats')).stats as { logins_last_hour: number };
          // One upstream call with the company's token: the ticket does not exist, so Bluestakes answers 404.
          const lookup = await api.send('GET', `/tickets/${ABSENT_TICKET}/location?company_id=${id}`);
          const code = (body(lookup).error as { code?: string } | undefined)?.code;
          if (lookup.status !== 200 && code !== 'UPSTREAM_NOT_FOUND') {
            fail(
              `GET /tickets/${ABSENT_TICKET}/location answered ${lookup.status}: ${lookup.text.slice(0, 160)}`,
            );
          }
          const status = body(await api.send('GET', `/tokens/${id}/status`));
          const after = body(await api.send('GET', '/tokens/stats')).stats as { logins_last_hour: number };
          if (status.token_fingerprint !== fingerprint || status.version !== version) {
            fail(`the token changed: ${String(status.token_fingerprint)}/v${String(status.version)}`);
          }
          if (after.logins_last_hour !== before.logins_last_hour) {
            fail(`logins in the last hour went from ${before.logins_last_hour} to ${after.logins_last_hour}`);
          }
          return `still ${String(fingerprint)}, ${after.logins_last_hour} logins in the last hour`;
        });
        await check('DELETE /tokens/{company_id} clears the token', async () => {
          await documented('DELETE', '/tokens/{company_id}', `/tokens/${id}`, 200);
          const status = body(
            await documented('GET', '/tokens/{company_id}/status', `/tokens/${id}/status`, 200),
          );
          if (status.has_token !== false) fail('the status still shows a token after the clear');
          return undefined;
        });
        await check('DELETE /tokens/credentials/{company_id} removes the credentials', async () => {
          const deleted = body(
            await documented('DELETE', '/tokens/credentials/{company_id}', `/tokens/credentials/${id}`, 200),
          );
          if (deleted.secret_deleted !== true) fail('no secret was deleted');
          return undefined;
        });
      }
    }

    await check('POST /tokens/cleanup answers', async () => {
      const cleaned = body(await documented('POST', '/tokens/cleanup', '/tokens/cleanup', 200));
      return `${String(cleaned.tokens_cleaned)} tokens cleaned`;
    });
  } finally {
    await check('the scratch company is removed', async () => {
      await documented('PATCH', '/companies/{company_id}', `/companies/${id}`, 200, {
        body: { enabled: false },
      });
      await documented('DELETE', '/companies/{company_id}', `/companies/${id}`, 200);
      await documented('GET', '/companies/{company_id}', `/companies/${id}`, 404);
      return `company ${id} deleted`;
    });
  }
  return results;
}
