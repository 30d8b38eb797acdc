import type { IncomingMessage } from 'node:http';
import type { AuthFailure } from './accounts';
import { mediaType, readBody } from './http-io';
import { parseSearchQuery, searchTickets, shapeSearchReply } from './search';
import type { SimulatorState } from './state';
import { revisionNumber } from './ticket-store';
import type { SimulatorTicket } from './types';

export type Reply = (status: number, body: unknown, headers?: Readonly<Record<string, string>>) => void;

export interface ApiRoute {
  /** Label used in the per-endpoint counters. */
  readonly endpoint: string;
  /** Which fault scope applies; undefined for routes that do not exist. */
  readonly target?: 'login' | 'tickets';
  readonly handle: (
    state: SimulatorState,
    req: IncomingMessage,
    url: URL,
    reply: Reply,
  ) => Promise<void> | void;
}

const LOGIN_FAILED = 'No user found, wrong password, or account disabled/expired';
const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const TICKET_NUMBER = /^[A-Za-z0-9-]{1,32}$/;
const REVISION = /^\d{1,6}$/;

const AUTH_MESSAGES: Readonly<Record<AuthFailure, string>> = {
  missing: 'Missing bearer token',
  malformed: 'Malformed bearer token',
  signature: 'Invalid token',
  expired: 'Token expired',
  revoked: 'Token revoked',
  disabled: 'Account disabled',
};

function notFound(reply: Reply): void {
  reply(404, { message: 'Not found' });
}

function methodNotAllowed(reply: Reply, allow: string): void {
  reply(405, { message: 'Method not allowed' }, { allow });
}

function tooMany(state: SimulatorState, reply: Reply, retryAfterMs: number): void {
  const limit = state.switches.rateLimit;
  const headers: Record<string, string> = {};
  if (limit?.sendRetryAfter) {
    // HTTP only has whole seconds; round up so a client that obeys never comes back too early.
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    headers['retry-after'] =
      limit.retryAfterFormat === 'http-date'
        ? new Date(Math.ceil((Date.now() + retryAfterMs) / 1000) * 1000).toUTCString()
        : String(seconds);
  }
  reply(429, { message: 'Too many requests' }, headers);
}

type Credentials = { ok: true; username: string; password: string } | { ok: false; message: string };

function credentialsFrom(username: unknown, password: unknown): Credentials {
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    return { ok: false, message: 'username and password are required strings' };
  }
  if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) {
    return { ok: false, message: 'username or password too long' };
  }
  return { ok: true, username, password };
}

function parseLoginBody(form: boolean, body: Buffer): Credentials {
  const text = body.toString('utf8');
  if (form) {
    const params = new URLSearchParams(text);
    return credentialsFrom(params.get('username') ?? undefined, params.get('password') ?? undefined);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'Malformed JSON body' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'Body must be a JSON object' };
  }
  const record = parsed as Record<string, unknown>;
  return credentialsFrom(record.username, record.password);
}

function loginRoute(form: boolean): ApiRoute['handle'] {
  const expected = form ? 'application/x-www-form-urlencoded' : 'application/json';
  return async (state, req, _url, reply) => {
    if (req.method !== 'POST') return methodNotAllowed(reply, 'POST');
    if (mediaType(req) !== expected) return reply(400, { message: `Content-Type must be ${expected}` });
    const read = await readBody(req);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      return reply(413, { message: 'Request body too large' }, read.drained ? {} : { connection: 'close' });
    }
    const credentials = parseLoginBody(form, read.body);
    if (!credentials.ok) return reply(400, { message: credentials.message });

    state.stats.account(credentials.username);
    const decision = state.admit(credentials.username, true);
    if (!decision.allowed) return tooMany(state, reply, decision.retryAfterMs);
    const outcome = state.accounts.login(
      credentials.username,
      credentials.password,
      state.switches,
      Date.now(),
    );
    state.stats.login(credentials.username, outcome.ok, outcome.ok && !outcome.reused);
    if (!outcome.ok) return reply(401, { message: LOGIN_FAILED });
    reply(200, { Authorization: `Bearer ${outcome.token}` });
  };
}

type TicketNumber = { ok: true; number: string } | { ok: false; message: string };

function ticketNumberFrom(segment: string): TicketNumber {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return { ok: false, message: 'Malformed ticket number' };
  }
  const trimmed = decoded.trim();
  if (trimmed === '') return { ok: false, message: 'Ticket number is required' };
  if (!TICKET_NUMBER.test(trimmed)) return { ok: false, message: 'Invalid ticket number' };
  return { ok: true, number: trimmed };
}

type Selection = { ok: true; rows: readonly SimulatorTicket[]; row: SimulatorTicket } | { ok: false };

/** Finds the ticket and the asked-for revision (latest by default), answering the error itself. */
function selectTicket(
  state: SimulatorState,
  username: string,
  segment: string,
  url: URL,
  reply: Reply,
): Selection {
  const parsed = ticketNumberFrom(segment);
  if (!parsed.ok) {
    reply(400, { message: parsed.message });
    return { ok: false };
  }
  const revisionText = url.searchParams.get('revision')?.trim() ?? '';
  if (revisionText !== '' && !REVISION.test(revisionText)) {
    reply(400, { message: 'revision must be a non-negative integer' });
    return { ok: false };
  }
  const lookup = state.tickets.lookup(username, parsed.number);
  if (lookup.kind === 'foreign') {
    const status = state.switches.foreignTicketStatus;
    reply(status, { message: status === 403 ? 'Not authorized for this ticket' : 'Ticket not found' });
    return { ok: false };
  }
  if (lookup.kind === 'missing') {
    reply(404, { message: 'Ticket not found' });
    return { ok: false };
  }
  const row =
    revisionText === ''
      ? lookup.rows.at(-1)
      : lookup.rows.find((candidate) => revisionNumber(candidate) === Number(revisionText));
  if (!row) {
    reply(404, { message: 'Ticket revision not found' });
    return { ok: false };
  }
  return { ok: true, rows: lookup.rows, row };
}

function responsesFor(rows: readonly SimulatorTicket[], row: SimulatorTicket, url: URL) {
  const allPrior = url.searchParams.get('allPriorRevs')?.trim().toLowerCase() === 'true';
  if (!allPrior) return row.responses;
  return rows
    .filter((candidate) => revisionNumber(candidate) <= revisionNumber(row))
    .flatMap((r) => r.responses);
}

function latestRows(rows: readonly SimulatorTicket[]): SimulatorTicket[] {
  const latest = new Map<string, SimulatorTicket>();
  for (const row of rows) {
    const key = row.ticket.trim();
    const seen = latest.get(key);
    if (!seen || revisionNumber(row) > revisionNumber(seen)) latest.set(key, row);
  }
  return [...latest.values()];
}

/** Every `/api/tickets/*` call: bearer check, rate limit, then the sub-route. */
function ticketsRoute(segments: readonly string[]): ApiRoute['handle'] {
  return (state, req, url, reply) => {
    const auth = state.accounts.authenticate(req.headers.authorization, Date.now());
    if (!auth.ok) return reply(state.switches.rejectWith, { message: AUTH_MESSAGES[auth.reason] });
    const username = auth.username;
    state.stats.account(username);
    if (req.method !== 'GET') return methodNotAllowed(reply, 'GET');
    const decision = state.admit(username, false);
    if (!decision.allowed) return tooMany(state, reply, decision.retryAfterMs);

    const [first, second, ...rest] = segments;
    if (first === undefined || rest.length > 0) return notFound(reply);
    if (second === undefined && first === 'search') {
      const parsed = parseSearchQuery(url.searchParams, state.switches.isoDates);
      if (!parsed.ok) return reply(400, { message: parsed.message });
      const result = searchTickets(state.tickets.rowsFor(username), parsed.query);
      return reply(200, shapeSearchReply(result.page, result.total, state.switches.searchShape));
    }
    if (second === undefined && first === 'summary') {
      const rows = latestRows(state.tickets.rowsFor(username));
      return reply(200, shapeSearchReply(rows, rows.length, state.switches.searchShape));
    }
    if (second !== undefined && second !== 'responses' && second !== 'secondary-functions')
      return notFound(reply);

    const selection = selectTicket(state, username, first, url, reply);
    if (!selection.ok) return;
    const { rows, row } = selection;
    if (second === undefined) return reply(200, { ...row, responses: responsesFor(rows, row, url) });
    if (second === 'secondary-functions')
      return reply(200, state.tickets.secondaryFunctions(row, Date.now()));
    const responses = responsesFor(rows, row, url);
    if (responses.length === 0) return reply(404, { message: 'Ticket not found or no responses' });
    reply(200, { ticket: row.ticket, revision: row.revision, responses });
  };
}

function endpointLabel(segments: readonly string[]): string {
  const [first, second] = segments;
  if (segments.length === 1 && (first === 'search' || first === 'summary'))
    return `GET /api/tickets/${first}`;
  if (segments.length === 1) return 'GET /api/tickets/{ticket}';
  if (segments.length === 2 && (second === 'responses' || second === 'secondary-functions')) {
    return `GET /api/tickets/{ticket}/${second}`;
  }
  return 'other';
}

/** Matches a path under `/api/`; unknown paths get a route that answers 404. */
export function matchApiRoute(pathname: string): ApiRoute {
  if (pathname === '/api/login-json')
    return { endpoint: 'POST /api/login-json', target: 'login', handle: loginRoute(false) };
  if (pathname === '/api/login')
    return { endpoint: 'POST /api/login', target: 'login', handle: loginRoute(true) };
  const parts = pathname.split('/');
  if (parts[1] === 'api' && parts[2] === 'tickets' && parts.length > 3) {
    const segments = parts.slice(3);
    return { endpoint: endpointLabel(segments), target: 'tickets', handle: ticketsRoute(segments) };
  }
  return { endpoint: 'other', handle: (_state, _req, _url, reply) => notFound(reply) };
}
