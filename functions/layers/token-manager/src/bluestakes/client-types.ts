import type { HttpDispatcher } from './http-dispatcher';
import type { SearchDateFormat } from './search';
import type {
  BluestakesLogin,
  SecondaryFunctions,
  Ticket,
  TicketResponse,
  TicketSearchPage,
  TicketSearchPageQuery,
  TicketSearchQuery,
  TicketSummary,
} from './types';

/** Every kind of HTTP call the client makes; one name per endpoint. */
export type BluestakesOperation =
  | 'login'
  | 'searchTickets'
  | 'getTicket'
  | 'getTicketResponses'
  | 'getSecondaryFunctions';

/** Per-call context handed through to `beforeRequest`. */
export interface BluestakesCallContext {
  /** Which rate-limit bucket the call counts against (the token manager uses the Bluestakes account). */
  rateLimitKey?: string;
  /** Aborts the call; the client rethrows the signal's reason unchanged. */
  signal?: AbortSignal;
  /** The company token the call sends (the token manager checks it is still current with the slot). */
  tokenInUse?: { readonly companyId: string; readonly version: string };
}

export interface BluestakesCallInfo {
  operation: BluestakesOperation;
  context: BluestakesCallContext;
}

export interface BluestakesClientOptions {
  /** Where the API lives, e.g. `https://newtin-api.bluestakes.org`; the client appends `/api/...`. A trailing `/` or `/api` is tolerated. */
  baseUrl: string;
  /** @default one keep-alive undici Agent shared by every client in the process */
  dispatcher?: HttpDispatcher;
  /** @default 10_000 */
  loginTimeoutMs?: number;
  /** @default 15_000 */
  requestTimeoutMs?: number;
  /** @default 'MM/DD/YYYY' */
  searchDateFormat?: SearchDateFormat;
  /** IANA zone in which a `Date` passed to a search becomes a calendar day. @default 'America/Denver' */
  searchTimeZone?: string;
  /** @default 100 */
  searchPageSize?: number;
  /** Safety bound on pages per `searchTickets`. @default 100 */
  maxSearchPages?: number;
  /** Called before every HTTP request (the token manager plugs the fleet-wide rate limiter in here). Its errors propagate unchanged. */
  beforeRequest?: (call: BluestakesCallInfo) => Promise<void>;
  /** Clock in epoch milliseconds, used to turn a Retry-After date into a delay. @default Date.now */
  now?: () => number;
}

/** A typed client for the Bluestakes ticket API. Every method makes real HTTP calls; none retries. */
export interface BluestakesClient {
  /** `POST /api/login-json`. */
  login(username: string, password: string, context?: BluestakesCallContext): Promise<BluestakesLogin>;
  /** Every page of `GET /api/tickets/search`, one row per ticket number (its highest revision). */
  searchTickets(
    token: string,
    query: TicketSearchQuery,
    context?: BluestakesCallContext,
  ): Promise<TicketSummary[]>;
  /** One page of `GET /api/tickets/search`, rows as sent (ticket numbers trimmed). */
  searchTicketsPage(
    token: string,
    query: TicketSearchPageQuery,
    context?: BluestakesCallContext,
  ): Promise<TicketSearchPage>;
  /** `GET /api/tickets/{ticket}`, optionally a given revision. */
  getTicket(
    token: string,
    ticketNumber: string,
    options?: { revision?: string },
    context?: BluestakesCallContext,
  ): Promise<Ticket>;
  /** `GET /api/tickets/{ticket}/responses`. */
  getTicketResponses(
    token: string,
    ticketNumber: string,
    context?: BluestakesCallContext,
  ): Promise<TicketResponse[]>;
  /** `GET /api/tickets/{ticket}/secondary-functions`. */
  getSecondaryFunctions(
    token: string,
    ticketNumber: string,
    context?: BluestakesCallContext,
  ): Promise<SecondaryFunctions>;
}
