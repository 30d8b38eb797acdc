import * as library from '@bluestakes/token-manager';
import {
  CompanyDisabledError,
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  ConfigurationError,
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseError,
  DatabaseUnavailableError,
  InvalidInputError,
  LoginHeldError,
  MigrationError,
  RateLimitExceededError,
  SecretsUnavailableError,
  TokenDecryptionError,
  TokenRejectedError,
  TokenServiceError,
  TokenUnavailableError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/get-token-stats/handler';
import { INTERNAL_ERROR_MESSAGE, mapError } from '../../../functions/shared';
import { DependencyUnavailableError } from '../../../functions/tickets';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager } from './support/fake-token-manager';
import { captureOutput, expectDocumented, expectStandardHeaders, invoke } from './support/http-test-kit';

interface Case {
  readonly error: unknown;
  readonly status: number;
  readonly code: string;
  /** The Retry-After header, when one is expected. */
  readonly retryAfter?: string;
  /** 4xx messages are the error's own. */
  readonly exposesMessage?: boolean;
  readonly field?: string;
}

const CASES: readonly Case[] = [
  {
    error: new InvalidInputError('username', 'username must not be empty'),
    status: 400,
    code: 'INVALID_INPUT',
    exposesMessage: true,
    field: 'username',
  },
  { error: new CompanyNotFoundError('42'), status: 404, code: 'COMPANY_NOT_FOUND', exposesMessage: true },
  { error: new CompanyDisabledError('42'), status: 409, code: 'COMPANY_DISABLED', exposesMessage: true },
  { error: new CompanyEnabledError('42'), status: 409, code: 'COMPANY_ENABLED', exposesMessage: true },
  { error: new CompanyNameTakenError('7'), status: 409, code: 'COMPANY_NAME_TAKEN', exposesMessage: true },
  {
    error: new CredentialsNotFoundError('42'),
    status: 409,
    code: 'CREDENTIALS_NOT_FOUND',
    exposesMessage: true,
  },
  {
    error: new UpstreamNotFoundError('Ticket 123 was not found'),
    status: 404,
    code: 'UPSTREAM_NOT_FOUND',
    exposesMessage: true,
  },
  { error: new CredentialsRejectedError(), status: 422, code: 'CREDENTIALS_REJECTED', exposesMessage: true },
  {
    error: new RateLimitExceededError('no slot', { retryAfterMs: 4_200 }),
    status: 429,
    code: 'RATE_LIMITED',
    retryAfter: '5',
  },
  {
    error: new UpstreamRateLimitedError('429 from Bluestakes', { retryAfterMs: 30_000 }),
    status: 429,
    code: 'UPSTREAM_RATE_LIMITED',
    retryAfter: '30',
  },
  {
    error: new UpstreamRateLimitedError('429 without Retry-After'),
    status: 429,
    code: 'UPSTREAM_RATE_LIMITED',
    retryAfter: '60',
  },
  {
    error: new LoginHeldError('42', 'credentials_rejected', { retryAfterMs: 90_500 }),
    status: 503,
    code: 'LOGIN_HELD',
    retryAfter: '91',
  },
  { error: new LoginHeldError('42', 'upstream_failing'), status: 503, code: 'LOGIN_HELD', retryAfter: '60' },
  {
    error: new TokenUnavailableError('another container is refreshing', { retryAfterMs: 1_500 }),
    status: 503,
    code: 'TOKEN_UNAVAILABLE',
    retryAfter: '2',
  },
  {
    error: new UpstreamUnavailableError('timeout', 'login timed out'),
    status: 503,
    code: 'UPSTREAM_UNAVAILABLE',
    retryAfter: '30',
  },
  {
    error: new DatabaseUnavailableError('resuming'),
    status: 503,
    code: 'DATABASE_UNAVAILABLE',
    retryAfter: '5',
  },
  {
    error: new SecretsUnavailableError('Could not read bts/companies/42/bluestakes', { retryAfterMs: 7_000 }),
    status: 503,
    code: 'SECRETS_UNAVAILABLE',
    retryAfter: '7',
  },
  {
    error: new DependencyUnavailableError('QUEUE_UNAVAILABLE', 'The ticket sync queue refused 3 messages', {
      retryAfterSeconds: 12,
    }),
    status: 503,
    code: 'QUEUE_UNAVAILABLE',
    retryAfter: '12',
  },
  { error: new TokenRejectedError(403), status: 502, code: 'TOKEN_REJECTED' },
  {
    error: new UpstreamBadResponseError('unparsable body', { status: 200 }),
    status: 502,
    code: 'UPSTREAM_BAD_RESPONSE',
  },
  {
    error: new DatabaseError('relation "companies" does not exist', { sqlState: '42P01' }),
    status: 500,
    code: 'INTERNAL_ERROR',
  },
  { error: new TokenDecryptionError('unknown key id k9'), status: 500, code: 'INTERNAL_ERROR' },
  { error: new ConfigurationError('DB_CLUSTER_ARN is missing'), status: 503, code: 'CONFIGURATION_INVALID' },
  { error: new MigrationError('checksum mismatch'), status: 500, code: 'INTERNAL_ERROR' },
  {
    error: new TokenServiceError('INVALID_INPUT', 'a base-class error'),
    status: 500,
    code: 'INTERNAL_ERROR',
  },
  {
    error: new TypeError("Cannot read properties of undefined (reading 'rows')"),
    status: 500,
    code: 'INTERNAL_ERROR',
  },
  { error: 'a thrown string', status: 500, code: 'INTERNAL_ERROR' },
];

const describeError = (error: unknown) => (error instanceof Error ? error.constructor.name : typeof error);

describe('the HTTP error mapping', () => {
  const fake = createFakeTokenManager();

  beforeEach(() => {
    fake.reset();
    setDefaultTokenManager(fake.manager);
  });
  afterEach(() => setDefaultTokenManager(undefined));

  it.each(CASES.map((c) => [`${describeError(c.error)} (${c.code})`, c] as const))(
    'answers %s with its status, code and the JSON error shape',
    async (_name, c) => {
      captureOutput();
      fake.failWith('getTokenStats', c.error);
      const event = restApiEvent({ method: 'GET', resource: '/tokens/stats', requestId: 'req-123' });

      const result = await invoke(handler, event);

      expect(result.statusCode).toBe(c.status);
      expect(result.body).toMatchObject({ success: false, error: { code: c.code } });
      expect(result.headers['retry-after']).toBe(c.retryAfter);
      expectStandardHeaders(result);
      expectDocumented('GET', '/tokens/stats', result);
      if (c.exposesMessage) {
        expect(result.body).toMatchObject({ error: { message: (c.error as Error).message } });
      }
      if (c.field !== undefined) expect(result.body).toMatchObject({ error: { field: c.field } });
    },
  );

  it('never shows the message of a 5xx error, only a fixed text', async () => {
    captureOutput();
    for (const c of CASES.filter((entry) => entry.status >= 500)) {
      fake.failWith('getTokenStats', c.error);
      const result = await invoke(handler, restApiEvent({ method: 'GET', resource: '/tokens/stats' }));
      const message = c.error instanceof Error ? c.error.message : String(c.error);
      expect(result.rawBody).not.toContain(message);
    }
  });

  it('answers an unexpected error with 500, a generic message and the request id, and logs the details', async () => {
    const output = captureOutput();
    fake.failWith('getTokenStats', new TypeError('cannot read rows of undefined'));

    const result = await invoke(
      handler,
      restApiEvent({ method: 'GET', resource: '/tokens/stats', requestId: 'req-500' }),
    );

    expect(result.body).toEqual({
      success: false,
      error: { code: 'INTERNAL_ERROR', message: INTERNAL_ERROR_MESSAGE },
      request_id: 'req-500',
    });
    const logged = output.logs().find((entry) => entry.message === 'Request failed unexpectedly');
    expect(logged).toMatchObject({ level: 'ERROR', api_request_id: 'req-500', status: 500 });
    expect(JSON.stringify(logged)).toContain('cannot read rows of undefined');
  });

  it('leaves request_id out of every error body but the 500s', async () => {
    captureOutput();
    fake.failWith('getTokenStats', new DatabaseUnavailableError('resuming'));
    const result = await invoke(handler, restApiEvent({ method: 'GET', resource: '/tokens/stats' }));
    expect(result.body).not.toHaveProperty('request_id');
  });

  it('maps every error class the library exports', () => {
    const exported = Object.values(library).filter(
      (value): value is typeof TokenServiceError =>
        typeof value === 'function' && value.prototype instanceof TokenServiceError,
    );
    const covered = new Set(CASES.map((c) => describeError(c.error)));
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.map((type) => type.name).filter((name) => !covered.has(name))).toEqual([]);
  });

  it('keeps Retry-After at least one second for sub-second hints', () => {
    expect(mapError(new RateLimitExceededError('x', { retryAfterMs: 10 })).retryAfterSeconds).toBe(1);
    expect(mapError(new TokenUnavailableError('x', { retryAfterMs: 0 })).retryAfterSeconds).toBe(2);
  });
});
