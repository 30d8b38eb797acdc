/**
 * Helpers for the reliability suite: bound every call with a deadline, aim emulator faults at one
 * protocol statement, and check a company's row after a fault (token decrypts under its version,
 * one audit event per version, no lease left past its expiry).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { TokenServiceError } from '@bluestakes/token-manager';
import { decryptToken, parseTokenKeyring } from '@bluestakes/token-manager/internal';
import type { FaultSpec } from '../../local/data-api-emulator';
import { KEY_SECRET_ID, type TokenServiceHarness } from './token-service-harness';

/**
 * How long a call may take before it counts as a hang. It only catches hangs: how fast something
 * fails or recovers is checked against the service's own settings (timeouts, budgets, holds), never
 * against this, so a 2-core machine shared with other jobs, many times slower than an idle one,
 * still passes.
 */
export const HANG_MS = 60_000;

/** Polls `check` every 20 ms until it holds; throws (failing the test) after {@link HANG_MS}. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + HANG_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${HANG_MS} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Rejects with a plain Error naming `what` when `promise` has not settled within {@link HANG_MS}. */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${HANG_MS} ms (hang)`)),
      HANG_MS,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** Settles `promise`; a hang is a thrown Error (the test fails), any other rejection an outcome. */
export async function outcomeOf<T>(promise: Promise<T>, what: string): Promise<Outcome<T>> {
  const guarded = promise.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
  return within(guarded, what);
}

/** The library error a failed outcome holds; fails the test for anything untyped. */
export function typedError(outcome: Outcome<unknown>): TokenServiceError {
  if (outcome.ok) throw new Error('Expected the call to fail, but it returned a value');
  if (!(outcome.error instanceof TokenServiceError)) {
    throw new Error(`Expected a TokenServiceError, got ${String(outcome.error)}`);
  }
  return outcome.error;
}

/** What a protocol statement is, told apart by the parameters it binds (not by SQL formatting). */
export type StatementKind =
  | 'read'
  | 'lease'
  | 'write-back'
  | 'failure-record'
  | 'lease-release'
  | 'rate-limit-take'
  | 'other';

export function statementKind(input: {
  sql?: string;
  parameters?: readonly { name?: string }[];
}): StatementKind {
  const names = new Set((input.parameters ?? []).map((parameter) => parameter.name));
  if (input.sql?.includes('bluestakes_rate_limit_take')) return 'rate-limit-take';
  if (names.has('touch')) return 'read';
  if (names.has('owner') && names.has('leaseSeconds')) return 'lease';
  if (names.has('fence') && names.has('token')) return 'write-back';
  if (names.has('fence') && names.has('reason')) return 'failure-record';
  if (names.has('fence')) return 'lease-release';
  return 'other';
}

export interface StatementTap {
  /** Every statement kind this client sent, in order (each retry is another entry). */
  readonly sent: StatementKind[];
}

/**
 * Runs `onSend` right before this client sends a statement of `kind` (at most `times` times), e.g. to
 * queue an emulator fault that the very next Data API call (this one) will meet.
 */
export function beforeStatement(
  client: RDSDataClient,
  kind: StatementKind,
  onSend: () => void,
  times = 1,
): StatementTap {
  const sent: StatementKind[] = [];
  let remaining = times;
  client.middlewareStack.add(
    (next) => async (args) => {
      const seen = statementKind(args.input as { sql?: string; parameters?: { name?: string }[] });
      sent.push(seen);
      if (seen === kind && remaining > 0) {
        remaining -= 1;
        onSend();
      }
      return next(args);
    },
    { step: 'initialize', name: `reliabilityBefore-${kind}-${Math.random()}` },
  );
  return { sent };
}

/** Queues `fault` on the emulator right before this client's next statement of `kind`. */
export function faultOnStatement(
  harness: TokenServiceHarness,
  client: RDSDataClient,
  kind: StatementKind,
  fault: FaultSpec,
): StatementTap {
  return beforeStatement(client, kind, () => harness.dataApi.emulator.injectFaults(fault));
}

/**
 * The statement of `kind` runs and commits, but its answer is lost on the way back (the caller sees a
 * 504 DatabaseUnavailableException), once: what a gateway timeout after a commit looks like.
 */
export function loseResponseOfStatement(client: RDSDataClient, kind: StatementKind): StatementTap {
  const sent: StatementKind[] = [];
  let remaining = 1;
  client.middlewareStack.add(
    (next) => async (args) => {
      const seen = statementKind(args.input as { sql?: string; parameters?: { name?: string }[] });
      sent.push(seen);
      const result = await next(args);
      if (seen === kind && remaining > 0) {
        remaining -= 1;
        throw Object.assign(new Error('Gateway timeout after the statement ran'), {
          name: 'DatabaseUnavailableException',
          $fault: 'server',
          $metadata: { httpStatusCode: 504 },
        });
      }
      return result;
    },
    { step: 'initialize', name: `reliabilityLoseResponse-${kind}-${Math.random()}` },
  );
  return { sent };
}

export interface CompanyRowCheck {
  readonly version: number;
  /** The stored token decrypted with the keyring under the row's own version; undefined when none. */
  readonly token: string | undefined;
  readonly keyId: string | undefined;
  /** Positive while a lease is live. */
  readonly leaseRemainingMs: number;
  readonly leaseSeconds: number;
  readonly holdReason: string | null;
  readonly holdRemainingMs: number;
  /** Audit events that wrote a token version (login, token_stored, credentials_stored). */
  readonly tokenWrites: number;
  readonly loginEvents: number;
}

/** Reads the raw row and the audit table; throws when the stored token does not decrypt. */
export async function checkCompanyRow(
  harness: TokenServiceHarness,
  companyId: string,
): Promise<CompanyRowCheck> {
  const [row] = await harness.sql(
    `SELECT bluestakes_token AS token, bluestakes_token_version AS version,
            COALESCE((EXTRACT(EPOCH FROM (token_lease_until - now())) * 1000)::bigint, 0) AS lease_ms,
            COALESCE((EXTRACT(EPOCH FROM (login_hold_until - now())) * 1000)::bigint, 0) AS hold_ms,
            login_hold_reason AS hold_reason,
            (SELECT count(*) FROM token_auth_events e WHERE e.company_id = c.id
               AND e.event IN ('login', 'token_stored', 'credentials_stored')) AS writes,
            (SELECT count(*) FROM token_auth_events e WHERE e.company_id = c.id AND e.event = 'login') AS logins
     FROM companies c WHERE id = CAST(:id AS bigint)`,
    { id: companyId },
  );
  if (row === undefined) throw new Error(`company ${companyId} has no row`);
  const version = String(row.version);
  const stored = row.token === null ? undefined : String(row.token);
  let token: string | undefined;
  let keyId: string | undefined;
  if (stored !== undefined) {
    const secret = await harness
      .createSecretsManagerClient()
      .send(new GetSecretValueCommand({ SecretId: KEY_SECRET_ID }));
    token = decryptToken(parseTokenKeyring(secret.SecretString!), stored, { companyId, version });
    keyId = stored.split(':')[2];
  }
  return {
    version: Number(version),
    token,
    keyId,
    leaseRemainingMs: Math.max(0, Number(row.lease_ms)),
    leaseSeconds: Number(harness.env.TOKEN_LEASE_SECONDS ?? '30'),
    holdReason: row.hold_reason === null ? null : String(row.hold_reason),
    holdRemainingMs: Math.max(0, Number(row.hold_ms)),
    tokenWrites: Number(row.writes),
    loginEvents: Number(row.logins),
  };
}

/** Successful logins the simulator answered for this account. */
export function upstreamLogins(harness: TokenServiceHarness, username: string): number {
  return harness.simulator.stats().logins[username]?.ok ?? 0;
}

/** Every login attempt the simulator saw for this account, answered or not. */
export function upstreamLoginAttempts(harness: TokenServiceHarness): number {
  return harness.simulator.stats().requestsByEndpoint['POST /api/login-json'] ?? 0;
}
