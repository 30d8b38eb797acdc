import type { LoginHoldReason } from '../store';

/** The state of a company's cached token, as the registry reports it (never the token itself). */
export interface CompanyTokenSummary {
  /** `none`: nothing cached; `valid`: cached and unexpired; `expired`: cached but past its expiry. */
  readonly state: 'none' | 'valid' | 'expired';
  readonly expires_at: string | null;
  /** Seconds from now (negative once expired); null without a token. */
  readonly expires_in: number | null;
  readonly version: string;
  readonly fingerprint: string | null;
  readonly login_held: boolean;
  readonly hold_reason: LoginHoldReason | null;
  readonly last_used_at: string | null;
}

/** A company as the API shows it. Field names are the JSON ones. */
export interface Company {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  /** Per-company token lifetime; null means the service default (`TOKEN_TTL_SECONDS`). */
  readonly token_ttl_seconds: number | null;
  readonly has_credentials: boolean;
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly token: CompanyTokenSummary;
}

export interface NewCompany {
  readonly name: string;
  readonly tokenTtlSeconds?: number | null;
}

export interface CompanyChanges {
  readonly name?: string;
  /** null resets to the service default. */
  readonly tokenTtlSeconds?: number | null;
  readonly enabled?: boolean;
}

export interface CompanyPage {
  readonly companies: Company[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly next_cursor: string | null;
}

export interface CredentialsDeletion {
  readonly company_id: string;
  /** False when no secret existed (deleting twice is not an error). */
  readonly secret_deleted: boolean;
  readonly token_cleared: boolean;
}

export interface CompanyDeletion {
  readonly company_id: string;
  readonly secret_deleted: boolean;
}
