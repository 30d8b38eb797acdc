import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../local/local-stack';
import { loadPgliteTemplate } from '../../support/pglite-template';
import { type CapturedOutput, captureProcessOutput } from '../../support/process-output';

/**
 * The HTTP API end to end, in one process: the local gateway invokes the real handlers, which use the
 * real library against the Data API emulator, the Secrets Manager stand-in and the Bluestakes simulator.
 * Every byte written to stdout/stderr is captured and searched for secrets at the end.
 */
describe('HTTP API end to end', () => {
  let stack: LocalStack;
  let output: CapturedOutput | undefined;
  const bodies: string[] = [];
  const DEMO_PASSWORD = 'demo-acme';

  beforeAll(async () => {
    output = captureProcessOutput();
    stack = await startLocalStack({
      inMemory: true,
      pgliteTemplate: await loadPgliteTemplate(),
      ports: { api: 0, dataApi: 0, secrets: 0, bluestakes: 0 },
    });
  });

  afterAll(async () => {
    await stack?.close();
    output?.stop();
  });

  async function call(method: string, path: string, init: { body?: unknown; key?: string | null } = {}) {
    const headers: Record<string, string> = {};
    if (init.key !== null) headers['x-api-key'] = init.key ?? stack.apiKey;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    bodies.push(text);
    return {
      status: response.status,
      body: JSON.parse(text) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  it('refuses every route without the API key, as API Gateway does', async () => {
    for (const [method, path] of [
      ['GET', '/tokens/stats'],
      ['POST', '/tokens/cleanup'],
      ['DELETE', '/tokens/1'],
      ['GET', '/tokens/1/status'],
      ['POST', '/tokens/credentials/1'],
      ['POST', '/tokens/credentials/test'],
    ] as const) {
      expect(await call(method, path, { key: null })).toMatchObject({
        status: 403,
        body: { message: 'Forbidden' },
      });
      expect(await call(method, path, { key: 'wrong-key' })).toMatchObject({ status: 403 });
    }
  });

  it('verifies and stores credentials, then reports the cached token without revealing it', async () => {
    const stored = await call('POST', '/tokens/credentials/1', {
      body: { username: 'acme-excavating', password: DEMO_PASSWORD },
    });
    expect(stored).toMatchObject({
      status: 200,
      body: { success: true, data: { company_id: '1', credentials_valid: true, credentials_stored: true } },
    });

    const status = await call('GET', '/tokens/1/status');
    expect(status).toMatchObject({
      status: 200,
      body: { success: true, company_id: '1', has_valid_token: true },
    });
    expect(status.headers.get('cache-control')).toBe('no-store');
    expect(stack.simulator!.stats().logins['acme-excavating']).toEqual({ ok: 1, failed: 0 });
  });

  it('serves the same token to the library that the API reports, with no second login', async () => {
    const token = await getDefaultTokenManager().getOrRefreshToken('1');
    const status = await call('GET', '/tokens/1/status');

    expect(JSON.stringify(status.body)).not.toContain(token);
    expect(stack.simulator!.stats().logins['acme-excavating']).toEqual({ ok: 1, failed: 0 });
    expect(output!.text()).not.toContain(token);
  });

  it('tests credentials without storing them: 200 for good ones, 422 for rejected ones', async () => {
    expect(
      await call('POST', '/tokens/credentials/test', {
        body: { username: 'beehive-fiber', password: 'demo-bee' },
      }),
    ).toMatchObject({ status: 200, body: { success: true, data: { credentials_valid: true } } });
    expect(
      await call('POST', '/tokens/credentials/test', {
        body: { username: 'beehive-fiber', password: 'wrong' },
      }),
    ).toMatchObject({ status: 422, body: { success: false, error: { code: 'CREDENTIALS_REJECTED' } } });
    expect((await call('GET', '/tokens/2/status')).body).toMatchObject({ has_token: false });
  });

  it('refuses credentials in the query string and never echoes them', async () => {
    const refused = await call(
      'POST',
      `/tokens/credentials/test?username=acme-excavating&password=${DEMO_PASSWORD}`,
    );

    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'CREDENTIALS_IN_QUERY' } } });
  });

  it('answers 404 for an unknown company and 400 naming the field for a bad id', async () => {
    expect(await call('GET', '/tokens/424242/status')).toMatchObject({
      status: 404,
      body: { success: false, error: { code: 'COMPANY_NOT_FOUND' } },
    });
    expect(await call('DELETE', '/tokens/-3')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', field: 'company_id' } },
    });
  });

  it('reports stats, clears a token and cleans up', async () => {
    const stats = await call('GET', '/tokens/stats');
    expect(stats).toMatchObject({
      status: 200,
      body: { success: true, stats: { total_cached: 1, valid_tokens: 1 } },
    });

    expect(await call('DELETE', '/tokens/1')).toMatchObject({
      status: 200,
      body: { success: true, company_id: '1' },
    });
    expect((await call('GET', '/tokens/1/status')).body).toMatchObject({ has_valid_token: false });

    const cleanup = await call('POST', '/tokens/cleanup');
    expect(cleanup).toMatchObject({ status: 200, body: { success: true, tokens_cleaned: 0 } });
  });

  it('wrote no password, token or API key to any response body or log line', () => {
    const everything = `${output!.text()}\n${bodies.join('\n')}`;
    // The capture works: the handlers' own log lines are in it.
    expect(everything).toContain('Credentials stored');
    expect(everything).not.toContain(DEMO_PASSWORD);
    expect(everything).not.toContain('demo-bee');
    expect(everything).not.toContain(stack.apiKey);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });
});
