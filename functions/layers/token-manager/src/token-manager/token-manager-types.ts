import type { CleanupResult, LoginHoldReason } from '../store';

export type CleanupReport = CleanupResult;

/** What `getTokenStatus` reports. Never the token itself: only a fingerprint. Durations in seconds. */
export interface TokenStatus {
  readonly company_id: string;
  readonly has_valid_token: boolean;
  readonly has_token: boolean;
  readonly expires_at: string | null;
  readonly expires_in: number | null;
  readonly refresh_at: string | null;
  readonly refresh_in: number | null;
  readonly version: string;
  readonly token_fingerprint: string | null;
  readonly lease: {
    readonly held: boolean;
    readonly owner: string | null;
    readonly expires_in: number | null;
  };
  readonly hold: {
    readonly active: boolean;
    readonly reason: LoginHoldReason | null;
    readonly expires_in: number | null;
  };
  readonly login_failures: number;
  readonly credentials_version: string;
  readonly last_used_at: string | null;
}

export interface StoreCredentialsResult {
  readonly company_id: string;
  readonly username: string;
  readonly credentials_tested: boolean;
  /** True when verified by a login; null when verification was skipped. */
  readonly credentials_valid: boolean | null;
  readonly credentials_stored: boolean;
  /** The verification login's token was kept as the company's cached token. */
  readonly token_cached: boolean;
}

export interface CredentialsTestResult {
  readonly username: string;
  readonly credentials_valid: boolean;
  readonly token_expires_at: string | null;
}
