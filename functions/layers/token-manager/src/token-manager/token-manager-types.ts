import type {
  BluestakesClient,
  SecondaryFunctions,
  Ticket,
  TicketResponse,
  TicketSearchPage,
  TicketSearchPageQuery,
  TicketSearchQuery,
  TicketSummary,
} from '../bluestakes';
import type { TokenManagerConfig } from '../config';
import type { BluestakesCredentials, CredentialsStore } from '../credentials/credentials-store';
import type { KeyringSource } from '../crypto/keyring-source';
import type { LogSink, MetricsSink } from '../observability';
import type { UpstreamRateLimiter } from '../rate-limit';
import type { TokenStats, TokenStore } from '../store';
import type {
  CleanupReport,
  CredentialsTestResult,
  StoreCredentialsResult,
  TokenStatus,
} from './token-status-view';

/** What `makeAuthenticatedRequest` hands the request: Bluestakes calls bound to the company's token. */
export interface AuthenticatedBluestakes {
  /** The bearer token (for calls the typed client does not cover). Never log it. */
  readonly token: string;
  searchTickets(query: TicketSearchQuery): Promise<TicketSummary[]>;
  searchTicketsPage(query: TicketSearchPageQuery): Promise<TicketSearchPage>;
  getTicket(ticketNumber: string, options?: { revision?: string }): Promise<Ticket>;
  getTicketResponses(ticketNumber: string): Promise<TicketResponse[]>;
  getSecondaryFunctions(ticketNumber: string): Promise<SecondaryFunctions>;
}

/** A token manager: one per container (module-level functions use a default one built from env). */
export interface TokenManager {
  /** A valid bearer token for the company: in-process cache, then the database, then one fleet-wide login. */
  getOrRefreshToken(companyId: string | number): Promise<string>;
  /** With `companyId`: cached like `getOrRefreshToken`, logging in with these credentials when needed. Without: a direct login. */
  getBluestakesAuthToken(username: string, password: string, companyId?: string | number): Promise<string>;
  /** A direct login, no cache (still counted by the fleet-wide rate limiter). */
  getBluestakesAuthTokenRaw(username: string, password: string): Promise<string>;
  /**
   * Runs `request` with the company's token. On 401 (or 403 on a token older than the grace period)
   * it invalidates exactly that token version, gets a fresh one and retries once. On 429 it pauses the
   * account fleet-wide for Retry-After and retries once when that fits `RATE_LIMIT_MAX_WAIT_MS`.
   * Never loops. `request` may run more than once, so it should only read.
   */
  makeAuthenticatedRequest<T>(
    companyId: string | number,
    request: (api: AuthenticatedBluestakes) => Promise<T>,
  ): Promise<T>;
  /** Stores a token obtained elsewhere; the TTL defaults to the configured one (or the company's override). */
  storeToken(companyId: string | number, token: string, ttlSeconds?: number): Promise<boolean>;
  /** True when the company has a cached, unexpired token. Reads only; never mutates. */
  isTokenValid(companyId: string | number): Promise<boolean>;
  /** Clears the company's token fleet-wide (other containers within the L1 staleness bound). False: unknown company. */
  clearToken(companyId: string | number): Promise<boolean>;
  cleanupExpiredTokens(): Promise<CleanupReport>;
  getTokenStats(): Promise<TokenStats>;
  getTokenStatus(companyId: string | number): Promise<TokenStatus>;
  storeCredentials(
    companyId: string | number,
    credentials: BluestakesCredentials,
    options?: { verify?: boolean },
  ): Promise<StoreCredentialsResult>;
  testCredentials(credentials: BluestakesCredentials): Promise<CredentialsTestResult>;
}

/**
 * Everything the token protocol depends on, every member a port or a plain value: no SDK client, no
 * socket. The wiring module fills in the production adapters; tests may pass fakes for any of them.
 */
export interface TokenManagerPorts {
  readonly config: TokenManagerConfig;
  readonly store: TokenStore;
  readonly limiter: UpstreamRateLimiter;
  readonly credentialsStore: CredentialsStore;
  readonly keyring: KeyringSource;
  /** Its `beforeRequest` must take a slot from `limiter` (the wiring module plugs it in). */
  readonly client: BluestakesClient;
  readonly log: LogSink;
  readonly metrics: MetricsSink;
  /** Local clock for the in-process cache (ms). Expiry decisions use the database clock. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Identifies this container as lease owner (logs and status). */
  readonly instanceId: string;
  /** A 403 on a token younger than this is a permission error, not an expired token. */
  readonly forbiddenGraceMs: number;
  /** How long audit events are kept by the cleanup. */
  readonly auditRetentionDays: number;
}

/** The ports plus what one token manager shares among its parts. */
export interface ProtocolContext extends TokenManagerPorts {
  /** Read once: the L1 hit path pays one boolean test, not a call, when debug logging is off. */
  readonly debug: boolean;
}
