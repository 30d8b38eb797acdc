import {
  type BluestakesCredentials,
  CompanyNotFoundError,
  CredentialsRejectedError,
  type TokenManager,
  type TokenStatus,
} from '@bluestakes/token-manager';

type MethodName = keyof TokenManager;

export interface RecordedCall {
  readonly method: MethodName;
  readonly args: readonly unknown[];
}

interface FakeToken {
  readonly fingerprint: string;
  readonly expiresAt: number;
}

interface FakeCompany {
  token: FakeToken | null;
  credentials: BluestakesCredentials | null;
  version: number;
  credentialsVersion: number;
}

export interface FakeTokenManager {
  readonly manager: TokenManager;
  readonly calls: RecordedCall[];
  /** Every later call of `method` throws `error` (until `reset`). */
  failWith(method: MethodName, error: unknown): void;
  /** Makes `method` resolve with `value` instead of its normal result (until `reset`). */
  answerWith(method: MethodName, value: unknown): void;
  /** The stored state as text, to prove that nothing changed. */
  snapshot(): string;
  reset(): void;
}

export interface FakeTokenManagerOptions {
  /** Company ids and whether each has a live token, an expired one or none. */
  readonly companies?: Readonly<Record<string, 'valid' | 'expired' | 'none'>>;
  /** Credentials the fake "Bluestakes" accepts. */
  readonly accounts?: readonly BluestakesCredentials[];
  readonly now?: () => number;
}

export const FAKE_ACCOUNT: BluestakesCredentials = {
  username: 'digger@example.com',
  password: 'correct horse battery',
};

/**
 * A plain TokenManager over in-memory state: the HTTP handlers' one collaborator, with every call
 * recorded and any method able to fail on demand.
 */
export function createFakeTokenManager(options: FakeTokenManagerOptions = {}): FakeTokenManager {
  const now = options.now ?? (() => Date.parse('2025-06-01T12:00:00Z'));
  const accounts = options.accounts ?? [FAKE_ACCOUNT];
  const initial = options.companies ?? { '1001': 'valid', '1002': 'expired', '1003': 'none' };
  const companies = new Map<string, FakeCompany>();
  const calls: RecordedCall[] = [];
  const failures = new Map<MethodName, unknown>();
  const answers = new Map<MethodName, unknown>();

  const seed = (): void => {
    companies.clear();
    for (const [id, kind] of Object.entries(initial)) {
      const expiresAt = kind === 'valid' ? now() + 3_600_000 : now() - 600_000;
      companies.set(id, {
        token: kind === 'none' ? null : { fingerprint: `fp-${id}`, expiresAt },
        credentials: null,
        version: kind === 'none' ? 0 : 1,
        credentialsVersion: 0,
      });
    }
  };
  seed();

  const accepted = (credentials: BluestakesCredentials): boolean =>
    accounts.some((a) => a.username === credentials.username && a.password === credentials.password);

  const company = (id: string | number): FakeCompany => {
    const found = companies.get(String(id));
    if (found === undefined) throw new CompanyNotFoundError(String(id));
    return found;
  };

  /** Records the call, then fails or answers as configured, else runs the normal behaviour. */
  const call = async <T>(method: MethodName, args: readonly unknown[], run: () => T): Promise<T> => {
    calls.push({ method, args });
    if (failures.has(method)) throw failures.get(method);
    if (answers.has(method)) return answers.get(method) as T;
    return run();
  };

  const notUsed = (method: MethodName) => async (): Promise<never> => {
    calls.push({ method, args: [] });
    throw new Error(`${method} is not used by the HTTP API`);
  };

  const manager: TokenManager = {
    getOrRefreshToken: notUsed('getOrRefreshToken'),
    getBluestakesAuthToken: notUsed('getBluestakesAuthToken'),
    getBluestakesAuthTokenRaw: notUsed('getBluestakesAuthTokenRaw'),
    makeAuthenticatedRequest: notUsed('makeAuthenticatedRequest'),
    storeToken: notUsed('storeToken'),
    isTokenValid: notUsed('isTokenValid'),

    clearToken: (id) =>
      call('clearToken', [id], () => {
        const found = companies.get(String(id));
        if (found === undefined) return false;
        found.token = null;
        found.version += 1;
        return true;
      }),

    cleanupExpiredTokens: () =>
      call('cleanupExpiredTokens', [], () => {
        let cleaned = 0;
        for (const entry of companies.values()) {
          if (entry.token !== null && entry.token.expiresAt <= now()) {
            entry.token = null;
            cleaned += 1;
          }
        }
        return { tokens_cleaned: cleaned, audit_events_pruned: 3, rate_limit_rows_pruned: 1 };
      }),

    getTokenStats: () =>
      call('getTokenStats', [], () => {
        const tokens = [...companies.values()].flatMap((entry) =>
          entry.token === null ? [] : [entry.token],
        );
        const valid = tokens.filter((token) => token.expiresAt > now());
        return {
          total_cached: tokens.length,
          valid_tokens: valid.length,
          expired_tokens: tokens.length - valid.length,
          expiring_soon: valid.filter((token) => token.expiresAt - now() < 300_000).length,
          without_expiry: 0,
          refreshing: 0,
          held_companies: 0,
          logins_last_hour: 4,
          login_failures_last_hour: 1,
          upstream_429s_last_hour: 0,
          invalidations_last_hour: 2,
        };
      }),

    getTokenStatus: (id) =>
      call('getTokenStatus', [id], (): TokenStatus => {
        const entry = company(id);
        const token = entry.token;
        const expiresIn = token === null ? null : Math.round((token.expiresAt - now()) / 1000);
        return {
          company_id: String(id),
          has_valid_token: token !== null && token.expiresAt > now(),
          has_token: token !== null,
          expires_at: token === null ? null : new Date(token.expiresAt).toISOString(),
          expires_in: expiresIn,
          refresh_at: token === null ? null : new Date(token.expiresAt - 300_000).toISOString(),
          refresh_in: expiresIn === null ? null : expiresIn - 300,
          version: String(entry.version),
          token_fingerprint: token?.fingerprint ?? null,
          lease: { held: false, owner: null, expires_in: null },
          hold: { active: false, reason: null, expires_in: null },
          login_failures: 0,
          credentials_version: String(entry.credentialsVersion),
          last_used_at: null,
        };
      }),

    storeCredentials: (id, credentials, storeOptions) =>
      call('storeCredentials', [id, credentials, storeOptions], () => {
        const entry = company(id);
        const verify = storeOptions?.verify ?? true;
        if (verify && !accepted(credentials)) throw new CredentialsRejectedError();
        entry.credentials = { ...credentials };
        entry.credentialsVersion += 1;
        entry.token = verify ? { fingerprint: `fp-${id}-new`, expiresAt: now() + 3_600_000 } : null;
        entry.version += 1;
        return {
          company_id: String(id),
          username: credentials.username,
          credentials_tested: verify,
          credentials_valid: verify ? true : null,
          credentials_stored: true,
          token_cached: verify,
        };
      }),

    testCredentials: (credentials) =>
      call('testCredentials', [credentials], () => ({
        username: credentials.username,
        credentials_valid: accepted(credentials),
        token_expires_at: accepted(credentials) ? new Date(now() + 3_600_000).toISOString() : null,
      })),
  };

  return {
    manager,
    calls,
    failWith: (method, error) => failures.set(method, error),
    answerWith: (method, value) => answers.set(method, value),
    snapshot: () => JSON.stringify([...companies.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset() {
      calls.length = 0;
      failures.clear();
      answers.clear();
      seed();
    },
  };
}
