import {
  CredentialsRejectedError,
  TokenRejectedError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
} from '../errors';
import { MAX_PAGE_SIZE, settingsFrom } from './client-settings';
import type {
  BluestakesCallContext,
  BluestakesClient,
  BluestakesClientOptions,
  BluestakesOperation,
} from './client-types';
import { type HttpDispatcher, sendUpstream, type Transport } from './http';
import { isRecord } from './json';
import { genericFailure, httpDate, parseJson, statusMessage } from './reply-mapping';
import { parseSecondaryFunctions, parseTicket, parseTicketResponses } from './response-shapes';
import { buildSearchParams, keepLatestRevisions, type ParsedSearchPage, parseSearchPage } from './search';
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
