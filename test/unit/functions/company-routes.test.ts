import {
  CompanyDisabledError,
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  SecretsUnavailableError,
} from '@bluestakes/token-manager';
import { setDefaultCompanyRegistry } from '@bluestakes/token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as createCompany } from '../../../functions/create-company/handler';
import { handler as deleteCompany } from '../../../functions/delete-company/handler';
import { handler as deleteCredentials } from '../../../functions/delete-credentials/handler';
import { handler as getCompany } from '../../../functions/get-company/handler';
import { handler as listCompanies } from '../../../functions/list-companies/handler';
import { handler as updateCompany } from '../../../functions/update-company/handler';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import {
  COMPANY,
  createFakeCompanyRegistry,
  type FakeCompanyRegistry,
} from './support/fake-company-registry';
import { captureOutput, expectDocumented, expectStandardHeaders, invoke } from './support/http-test-kit';

let fake: FakeCompanyRegistry;

beforeEach(() => {
  fake = createFakeCompanyRegistry();
  setDefaultCompanyRegistry(fake.registry);
  captureOutput();
});
afterEach(() => setDefaultCompanyRegistry(undefined));

describe('POST /companies', () => {
  const event = (body: unknown) => restApiEvent({ method: 'POST', resource: '/companies', body });

  it('creates the company and answers 201 with its id and token state', async () => {
    const result = await invoke(createCompany, event({ name: 'Acme Excavating', token_ttl_seconds: 1800 }));

    expect(result.statusCode).toBe(201);
    expect(result.body).toEqual({ success: true, ...COMPANY });
    expect(fake.calls).toEqual([
      { method: 'createCompany', args: [{ name: 'Acme Excavating', tokenTtlSeconds: 1800 }] },
    ]);
    expectStandardHeaders(result);
    expectDocumented('POST', '/companies', result);
  });

  it('passes no lifetime as the service default', async () => {
    await invoke(createCompany, event({ name: 'Beehive Fiber' }));
    expect(fake.calls[0]?.args).toEqual([{ name: 'Beehive Fiber', tokenTtlSeconds: null }]);
  });

  it.each([
    [{}, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 'A', token_ttl_seconds: 59 }, 'token_ttl_seconds'],
    [{ name: 'A', token_ttl_seconds: 86_401 }, 'token_ttl_seconds'],
    [{ name: 'A', token_ttl_seconds: 90.5 }, 'token_ttl_seconds'],
    [{ name: 'A', id: 3 }, 'id'],
  ])('refuses %j with 400 naming %s, before the registry is called', async (body, field) => {
    const result = await invoke(createCompany, event(body));

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', field } });
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', '/companies', result);
  });

  it('answers a taken name with 409 COMPANY_NAME_TAKEN', async () => {
    fake.failWith(new CompanyNameTakenError('3'));
    const result = await invoke(createCompany, event({ name: 'Acme Excavating' }));

    expect(result.statusCode).toBe(409);
    expect(result.body).toMatchObject({ error: { code: 'COMPANY_NAME_TAKEN' } });
    expectDocumented('POST', '/companies', result);
  });

  it('answers Secrets Manager trouble (the stale-secret check) with 503 and Retry-After', async () => {
    fake.failWith(new SecretsUnavailableError('down', { retryAfterMs: 5_000 }));
    const result = await invoke(createCompany, event({ name: 'Acme Excavating' }));

    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('5');
    expectDocumented('POST', '/companies', result);
  });
});

describe('GET /companies', () => {
  it('passes limit and cursor through and answers the page with next_cursor', async () => {
    const result = await invoke(
      listCompanies,
      restApiEvent({ method: 'GET', resource: '/companies', query: { limit: '1', cursor: '3' } }),
    );

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({ success: true, companies: [COMPANY], next_cursor: '7' });
    expect(fake.calls).toEqual([{ method: 'listCompanies', args: [{ limit: '1', cursor: '3' }] }]);
    expect(result.rawBody).not.toContain('enc:v1');
    expectDocumented('GET', '/companies', result);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '201' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: '-1' }, 'cursor'],
  ])('refuses %j with 400 naming %s', async (query, field) => {
    const result = await invoke(
      listCompanies,
      restApiEvent({ method: 'GET', resource: '/companies', query }),
    );

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field } });
    expectDocumented('GET', '/companies', result);
  });
});

describe('GET /companies/{company_id}', () => {
  const event = (id: string) =>
    restApiEvent({ method: 'GET', resource: '/companies/{company_id}', pathParameters: { company_id: id } });

  it('answers the company in canonical id form', async () => {
    const result = await invoke(getCompany, event('007'));

    expect(result.statusCode).toBe(200);
    expect(fake.calls).toEqual([{ method: 'getCompany', args: ['7'] }]);
    expectDocumented('GET', '/companies/{company_id}', result);
  });

  it('answers an unknown company with 404 and a bad id with 400', async () => {
    fake.failWith(new CompanyNotFoundError('99'));
    const missing = await invoke(getCompany, event('99'));
    const bad = await invoke(getCompany, event('abc'));

    expect(missing.statusCode).toBe(404);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'company_id' } });
    expectDocumented('GET', '/companies/{company_id}', missing);
    expectDocumented('GET', '/companies/{company_id}', bad);
  });
});

describe('PATCH /companies/{company_id}', () => {
  const event = (body: unknown) =>
    restApiEvent({
      method: 'PATCH',
      resource: '/companies/{company_id}',
      pathParameters: { company_id: '7' },
      body,
    });

  it('passes only the fields sent, with a null lifetime meaning the default', async () => {
    const result = await invoke(updateCompany, event({ enabled: false, token_ttl_seconds: null }));

    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({ success: true, id: '7', enabled: false });
    expect(fake.calls).toEqual([
      { method: 'updateCompany', args: ['7', { enabled: false, tokenTtlSeconds: null }] },
    ]);
    expectDocumented('PATCH', '/companies/{company_id}', result);
  });

  it.each([
    [{ enabled: 'no' }, 'enabled'],
    [{ name: '' }, 'name'],
    [{ token_ttl_seconds: '600' }, 'token_ttl_seconds'],
    [{ tokens: 1 }, 'tokens'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const result = await invoke(updateCompany, event(body));

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field } });
    expect(fake.calls).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const result = await invoke(
      updateCompany,
      restApiEvent({
        method: 'PATCH',
        resource: '/companies/{company_id}',
        pathParameters: { company_id: '7' },
        body: 'enabled=false',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(result.statusCode).toBe(415);
    expectDocumented('PATCH', '/companies/{company_id}', result);
  });
});

describe('DELETE /companies/{company_id} and DELETE /tokens/credentials/{company_id}', () => {
  it('deletes a company, and answers an enabled one with 409 COMPANY_ENABLED', async () => {
    const event = restApiEvent({
      method: 'DELETE',
      resource: '/companies/{company_id}',
      pathParameters: { company_id: '7' },
    });
    const deleted = await invoke(deleteCompany, event);
    fake.failWith(new CompanyEnabledError('7'));
    const refused = await invoke(deleteCompany, event);

    expect(deleted).toMatchObject({ statusCode: 200, body: { success: true, company_id: '7' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'COMPANY_ENABLED' } });
    expectDocumented('DELETE', '/companies/{company_id}', deleted);
    expectDocumented('DELETE', '/companies/{company_id}', refused);
  });

  it('deletes credentials and says whether a secret existed', async () => {
    const result = await invoke(
      deleteCredentials,
      restApiEvent({
        method: 'DELETE',
        resource: '/tokens/credentials/{company_id}',
        pathParameters: { company_id: '7' },
      }),
    );

    expect(result.body).toEqual({
      success: true,
      company_id: '7',
      secret_deleted: true,
      token_cleared: true,
    });
    expect(fake.calls).toEqual([{ method: 'deleteCredentials', args: ['7'] }]);
    expectDocumented('DELETE', '/tokens/credentials/{company_id}', result);
  });

  it('maps a disabled company to 409 COMPANY_DISABLED wherever it surfaces', async () => {
    fake.failWith(new CompanyDisabledError('7'));
    const result = await invoke(
      getCompany,
      restApiEvent({
        method: 'GET',
        resource: '/companies/{company_id}',
        pathParameters: { company_id: '7' },
      }),
    );
    expect(result.statusCode).toBe(409);
    expect(result.body).toMatchObject({ error: { code: 'COMPANY_DISABLED' } });
  });
});
