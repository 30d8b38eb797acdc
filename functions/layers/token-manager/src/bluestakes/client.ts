import {
  ConfigurationError,
  CredentialsRejectedError,
  TokenRejectedError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../errors';
import type {
  BluestakesCallContext,
  BluestakesClient,
  BluestakesClientOptions,
  BluestakesOperation,
} from './client-types';
import { type HttpDispatcher, sendUpstream, type Transport, type UpstreamReply } from './http';
import { isRecord } from './json';
import { upstreamSnippet } from './redact';
import { parseSecondaryFunctions, parseTicket, parseTicketResponses } from './response-shapes';
import { parseRetryAfter } from './retry-after';
import {
  buildSearchParams,
  keepLatestRevisions,
  type ParsedSearchPage,
  parseSearchPage,
  type SearchFormatting,
} from './search';
import { readJwtExpiry, readJwtIssuedAt, stripBearerPrefix, tokenFingerprint } from './token-info';
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
import {
  normalizeRevision,
  normalizeTicketNumber,
  normalizeToken,
  requireInteger,
  requireText,
} from './validate';

const MAX_PAGE_SIZE = 1000;

interface Settings {
  origin: string;
  basePath: string;
  loginTimeoutMs: number;
  requestTimeoutMs: number;
  formatting: SearchFormatting;
  searchPageSize: number;
  maxSearchPages: number;
  now: () => number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigurationError(`Bluestakes client option ${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

function parseBaseUrl(baseUrl: string): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError('Bluestakes baseUrl is not a valid URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('Bluestakes baseUrl must be an http(s) URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('Bluestakes baseUrl must not carry credentials, a query or a fragment');
  }
  // Operators copy the host from docs that write it with `/api`; the client adds `/api` itself.
  const basePath = url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '');
  return { origin: url.origin, basePath };
}

function settingsFrom(options: BluestakesClientOptions): Settings {
  const timeZone = options.searchTimeZone ?? 'America/Denver';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (error) {
    throw new ConfigurationError(`Bluestakes searchTimeZone ${timeZone} is not a known time zone`, {
      cause: error,
    });
  }
  const dateFormat = options.searchDateFormat ?? 'MM/DD/YYYY';
  if (dateFormat !== 'MM/DD/YYYY' && dateFormat !== 'YYYY-MM-DD') {
    throw new ConfigurationError('Bluestakes searchDateFormat must be MM/DD/YYYY or YYYY-MM-DD');
  }
  return {
    ...parseBaseUrl(options.baseUrl),
    loginTimeoutMs: positiveInteger('loginTimeoutMs', options.loginTimeoutMs, 10_000, 600_000),
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs, 15_000, 600_000),
    formatting: { dateFormat, timeZone },
    searchPageSize: positiveInteger('searchPageSize', options.searchPageSize, 100, MAX_PAGE_SIZE),
    maxSearchPages: positiveInteger('maxSearchPages', options.maxSearchPages, 100, 100_000),
    now: options.now ?? Date.now,
  };
}

function statusMessage(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
): string {
  const snippet = upstreamSnippet(reply.body, secrets);
  return `Bluestakes ${operation} answered HTTP ${reply.status}${snippet ? `: ${snippet}` : ''}`;
}

/** Maps the statuses every endpoint shares: 429, 5xx and anything unexpected. */
function genericFailure(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
  now: number,
): Error {
  const message = statusMessage(operation, reply, secrets);
  if (reply.status === 429) {
    const retryAfterMs = parseRetryAfter(reply.headers['retry-after'], now);
    return new UpstreamRateLimitedError(message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (reply.status >= 500 && reply.status <= 599) {
    return new UpstreamUnavailableError('status', message, { status: reply.status });
  }
  return new UpstreamBadResponseError(message, { status: reply.status });
}

function parseJson(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
  quoteBody: boolean,
): unknown {
  try {
    return JSON.parse(reply.body);
  } catch (error) {
    const snippet = quoteBody ? upstreamSnippet(reply.body, secrets) : '';
    throw new UpstreamBadResponseError(
      `Bluestakes ${operation} answered HTTP ${reply.status} with a body that is not JSON${snippet ? `: ${snippet}` : ''}`,
      { status: reply.status, cause: error },
    );
  }
}

/** An HTTP `Date` header as a Date; undefined when absent or unreadable. */
function httpDate(value: string | string[] | undefined): Date | undefined {
  const text = typeof value === 'string' ? value : value?.[0];
  if (text === undefined || !/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/**
 * Builds a Bluestakes API client over an HTTP dispatcher. It validates input, maps every upstream
 * status and transport failure onto the library's error classes, never retries, and never puts a
 * password or a token into a message. Throws `ConfigurationError` for unusable options.
 */
export function createBluestakesHttpClient(
  options: BluestakesClientOptions & { readonly dispatcher: HttpDispatcher },
): BluestakesClient {
  const settings = settingsFrom(options);
  const transport: Transport = {
    dispatcher: options.dispatcher,
    beforeRequest: options.beforeRequest,
  };

  async function ticketCall<T>(
    operation: Exclude<BluestakesOperation, 'login'>,
    token: string,
    path: string,
    query: URLSearchParams | undefined,
    context: BluestakesCallContext,
    read: (body: unknown) => T,
  ): Promise<T> {
    const bareToken = normalizeToken(token);
    const secrets = [bareToken];
    const queryText = query?.toString();
    const reply = await sendUpstream(transport, {
      operation,
      method: 'GET',
      origin: settings.origin,
      path: `${settings.basePath}/api${path}${queryText ? `?${queryText}` : ''}`,
      headers: { authorization: `Bearer ${bareToken}`, accept: 'application/json' },
      timeoutMs: settings.requestTimeoutMs,
      context,
    });
    if (reply.status >= 200 && reply.status < 300) {
      const body = parseJson(operation, reply, secrets, true);
      try {
        return read(body);
      } catch (error) {
        if (!(error instanceof UpstreamBadResponseError)) throw error;
        throw new UpstreamBadResponseError(error.message, { status: reply.status, cause: error });
      }
    }
    if (reply.status === 401 || reply.status === 403) {
      // The fixed message says what happened; the upstream's words stay available as the cause.
      throw new TokenRejectedError(reply.status, {
        cause: new Error(statusMessage(operation, reply, secrets)),
      });
    }
    if (reply.status === 404 && operation !== 'searchTickets') {
      throw new UpstreamNotFoundError(statusMessage(operation, reply, secrets));
    }
    throw genericFailure(operation, reply, secrets, settings.now());
  }

  async function login(
    username: string,
    password: string,
    context: BluestakesCallContext = {},
  ): Promise<BluestakesLogin> {
    requireText('username', username);
    requireText('password', password);
    const secrets = [password];
    const reply = await sendUpstream(transport, {
      operation: 'login',
      method: 'POST',
      origin: settings.origin,
      path: `${settings.basePath}/api/login-json`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }),
      timeoutMs: settings.loginTimeoutMs,
      context,
    });
    if (reply.status === 401) {
      throw new CredentialsRejectedError(
        `Bluestakes rejected the username or password (${statusMessage('login', reply, secrets)})`,
      );
    }
    if (reply.status === 400) {
      throw new UpstreamBadResponseError(statusMessage('login', reply, secrets), { status: 400 });
    }
    if (reply.status < 200 || reply.status >= 300) {
      throw genericFailure('login', reply, secrets, settings.now());
    }
    // A 200 body holds the token, maybe in a form we fail to read: never quote it.
    const body = parseJson('login', reply, secrets, false);
    const header = isRecord(body) ? body.Authorization : undefined;
    const token = typeof header === 'string' ? stripBearerPrefix(header) : '';
    if (token === '') {
      throw new CredentialsRejectedError(`Bluestakes login answered HTTP ${reply.status} without a token`);
    }
    const expiresAt = readJwtExpiry(token);
    const issuedAt = readJwtIssuedAt(token);
    const serverDate = httpDate(reply.headers.date);
    return {
      token,
      fingerprint: tokenFingerprint(token),
      ...(expiresAt ? { expiresAt } : {}),
      ...(issuedAt ? { issuedAt } : {}),
      ...(serverDate ? { serverDate } : {}),
    };
  }

  async function searchPage(
    token: string,
    query: TicketSearchPageQuery,
    context: BluestakesCallContext,
  ): Promise<ParsedSearchPage> {
    const limit = requireInteger('limit', query.limit, 1, MAX_PAGE_SIZE);
    const offset = requireInteger('offset', query.offset, 0, Number.MAX_SAFE_INTEGER);
    const params = buildSearchParams(query, { offset, limit }, settings.formatting);
    return ticketCall('searchTickets', token, '/tickets/search', params, context, parseSearchPage);
  }

  async function searchTicketsPage(
    token: string,
    query: TicketSearchPageQuery,
    context: BluestakesCallContext = {},
  ): Promise<TicketSearchPage> {
    const { tickets, count, total } = await searchPage(token, query, context);
    return {
      tickets,
      ...(count === undefined ? {} : { count }),
      ...(total === undefined ? {} : { total }),
    };
  }

  async function searchTickets(
    token: string,
    query: TicketSearchQuery,
    context: BluestakesCallContext = {},
  ): Promise<TicketSummary[]> {
    const limit =
      query.limit === undefined
        ? settings.searchPageSize
        : requireInteger('limit', query.limit, 1, MAX_PAGE_SIZE);
    const rows: TicketSummary[] = [];
    for (let page = 0; page < settings.maxSearchPages; page++) {
      const result = await searchPage(token, { ...query, offset: page * limit, limit }, context);
      rows.push(...result.tickets);
      // A short page is the last one; counting rows as received keeps dropped rows from ending it early.
      if (result.received < limit) break;
    }
    return keepLatestRevisions(rows);
  }

  async function getTicket(
    token: string,
    ticketNumber: string,
    ticketOptions: { revision?: string } = {},
    context: BluestakesCallContext = {},
  ): Promise<Ticket> {
    const ticket = normalizeTicketNumber(ticketNumber);
    const params = new URLSearchParams();
    if (ticketOptions.revision !== undefined) {
      params.set('revision', normalizeRevision(ticketOptions.revision));
    }
    const path = `/tickets/${encodeURIComponent(ticket)}`;
    return ticketCall('getTicket', token, path, params, context, parseTicket);
  }

  async function getTicketResponses(
    token: string,
    ticketNumber: string,
    context: BluestakesCallContext = {},
  ): Promise<TicketResponse[]> {
    const path = `/tickets/${encodeURIComponent(normalizeTicketNumber(ticketNumber))}/responses`;
    return ticketCall('getTicketResponses', token, path, undefined, context, parseTicketResponses);
  }

  async function getSecondaryFunctions(
    token: string,
    ticketNumber: string,
    context: BluestakesCallContext = {},
  ): Promise<SecondaryFunctions> {
    const path = `/tickets/${encodeURIComponent(normalizeTicketNumber(ticketNumber))}/secondary-functions`;
    return ticketCall('getSecondaryFunctions', token, path, undefined, context, parseSecondaryFunctions);
  }

  return { login, searchTickets, searchTicketsPage, getTicket, getTicketResponses, getSecondaryFunctions };
}
