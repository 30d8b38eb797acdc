import {
  CredentialsRejectedError,
  TokenRejectedError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { type BluestakesClient, createBluestakesClient } from '@bluestakes/token-manager/internal';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BluestakesSimulator, startBluestakesSimulator } from '../../../local/bluestakes-simulator';

/** The real client against the simulator over HTTP on loopback: no MockAgent anywhere in this file. */
describe('Bluestakes client against the simulator', () => {
  const account = { username: 'paging-co', password: 'paging-password-1', tickets: 130 };
  const other = { username: 'other-co', password: 'other-password-1', tickets: 5 };
  let simulator: BluestakesSimulator;
  let client: BluestakesClient;
  let dispatcher: Agent;

  beforeAll(async () => {
    simulator = await startBluestakesSimulator({ accounts: [account, other], seed: 7 });
    dispatcher = new Agent({ keepAliveTimeout: 5_000 });
    client = createBluestakesClient({
      baseUrl: simulator.url,
      dispatcher,
      // Loopback calls on a busy machine can take seconds; the hang test has its own short timeout.
      loginTimeoutMs: 15_000,
      requestTimeoutMs: 15_000,
      searchPageSize: 50,
    });
  });

  afterEach(() => {
    simulator.clearFaults();
    simulator.configure({ rateLimit: null, rejectWith: 401, searchShape: 'object' });
  });

  afterAll(async () => {
    await dispatcher.close();
    await simulator.close();
  });

  const login = () => client.login(account.username, account.password);
  const windowQuery = () => ({
    start: new Date(Date.now() - 60 * 86_400_000),
    end: new Date(Date.now() + 86_400_000),
  });

  it('logs in and reads the JWT expiry', async () => {
    const result = await login();

    expect(result.token).toMatch(/^eyJ/);
    expect(result.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(result.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('raises CredentialsRejectedError for a wrong password or an unknown user', async () => {
    await expect(client.login(account.username, 'wrong')).rejects.toBeInstanceOf(CredentialsRejectedError);
    await expect(client.login('nobody', 'x')).rejects.toBeInstanceOf(CredentialsRejectedError);
  });

  it.each(['object', 'array-wrapped', 'plain-array'] as const)(
    'pages through every search result (%s shape) keeping the highest revision of each ticket',
    async (searchShape) => {
      simulator.configure({ searchShape });
      const { token } = await login();

      const tickets = await client.searchTickets(token, windowQuery());

      const held = simulator.tickets(account.username);
      const highest = new Map<string, number>();
      for (const row of held) {
        const number = row.ticket.trim();
        highest.set(number, Math.max(highest.get(number) ?? -1, Number(row.revision)));
      }
      expect(new Set(tickets.map((ticket) => ticket.ticket)).size).toBe(tickets.length);
      expect(tickets.length).toBeGreaterThan(50);
      for (const ticket of tickets) expect(Number(ticket.revision)).toBe(highest.get(ticket.ticket));
    },
  );

  it('fetches a ticket, its responses and its secondary functions, trimming padded numbers', async () => {
    const { token } = await login();
    const ticket = simulator.tickets(account.username)[0]!.ticket.trim();

    const detail = await client.getTicket(token, `  ${ticket} `);
    const functions = await client.getSecondaryFunctions(token, ticket);

    expect(detail.ticket.trim()).toBe(ticket);
    expect(typeof functions.update).toBe('boolean');
    const withResponses = simulator.tickets(account.username).find((row) => row.responses.length > 0);
    expect(withResponses).toBeDefined();
    const responses = await client.getTicketResponses(token, withResponses!.ticket);
    expect(responses.length).toBeGreaterThan(0);
    expect(responses[0]).toMatchObject({ member_id: expect.any(Number), response: expect.any(String) });
  });

  it('raises UpstreamNotFoundError for an unknown ticket', async () => {
    const { token } = await login();

    await expect(client.getTicket(token, 'A000000000')).rejects.toBeInstanceOf(UpstreamNotFoundError);
  });

  it('raises TokenRejectedError(401) for a revoked token and TokenRejectedError(403) in 403 mode', async () => {
    const { token } = await login();
    const ticket = simulator.tickets(account.username)[0]!.ticket;
    simulator.revokeTokensFor(account.username);

    await expect(client.getTicket(token, ticket)).rejects.toMatchObject({
      name: 'TokenRejectedError',
      status: 401,
    });
    simulator.configure({ rejectWith: 403 });
    const failure = client.getTicket(token, ticket);
    await expect(failure).rejects.toBeInstanceOf(TokenRejectedError);
    await expect(failure).rejects.toMatchObject({ status: 403 });
  });

  it.each([
    ['seconds', 2_000],
    ['http-date', 2_000],
  ] as const)('parses a 429 Retry-After given as %s', async (retryAfterFormat, windowMs) => {
    const { token } = await login();
    const ticket = simulator.tickets(account.username)[0]!.ticket;
    simulator.configure({ rateLimit: { limit: 1, windowMs, sendRetryAfter: true, retryAfterFormat } });

    const results = await Promise.allSettled([
      client.getTicket(token, ticket),
      client.getTicket(token, ticket),
    ]);

    const limited = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(limited.reason).toBeInstanceOf(UpstreamRateLimitedError);
    expect(limited.reason.retryAfterMs).toBeGreaterThan(0);
    expect(limited.reason.retryAfterMs).toBeLessThanOrEqual(windowMs + 1_000);
  });

  it('raises UpstreamUnavailableError for a 5xx, a hang past the timeout and a dropped connection', async () => {
    const { token } = await login();
    const ticket = simulator.tickets(account.username)[0]!.ticket;

    simulator.injectFaults({ kind: 'status', status: 503, count: 1 });
    await expect(client.getTicket(token, ticket)).rejects.toMatchObject({ kind: 'status', status: 503 });

    // A hung call never answers, so a short timeout cannot be met by a merely slow one.
    const impatient = createBluestakesClient({ baseUrl: simulator.url, dispatcher, requestTimeoutMs: 300 });
    simulator.injectFaults({ kind: 'hang', count: 1 });
    const hung = impatient.getTicket(token, ticket);
    await expect(hung).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(hung).rejects.toMatchObject({ kind: 'timeout' });

    simulator.injectFaults({ kind: 'drop', count: 1 });
    await expect(client.getTicket(token, ticket)).rejects.toMatchObject({ kind: 'network' });

    // The client is still usable afterwards.
    await expect(client.getTicket(token, ticket)).resolves.toMatchObject({ revision: expect.any(String) });
  });

  it('never puts the password or the token into an error message', async () => {
    const { token } = await login();
    simulator.injectFaults({ kind: 'status', status: 500, count: 2 });

    const errors = await Promise.allSettled([
      client.login(account.username, account.password),
      client.getTicket(token, simulator.tickets(account.username)[0]!.ticket),
    ]);

    for (const result of errors) {
      expect(result.status).toBe('rejected');
      const text = String((result as PromiseRejectedResult).reason?.message);
      expect(text).not.toContain(account.password);
      expect(text).not.toContain(token);
    }
  });
});
