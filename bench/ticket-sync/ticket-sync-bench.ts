/**
 * The ticket sync under the upstream's real budget, time-scaled: N companies x M tickets, the
 * simulator enforcing `limit` calls per window per account (logins included), workers with the
 * deployed timeout scaled to the window, and the queue (delays, redelivery, dead letters) in memory.
 * The durable job runs through the real worker path; the previous inline sync is the baseline.
 */
import {
  type AuthenticatedBluestakes,
  RateLimitExceededError,
  type TokenManager,
} from '@bluestakes/token-manager';
import {
  createInMemorySyncQueue,
  parseTicketSyncMessage,
  TICKET_SYNC_WORKER_TIMEOUT_SECONDS,
  type TicketService,
} from '../../functions/tickets';
import { startTicketsHarness, type TicketsHarness } from '../../test/support/tickets-harness';
import { previousSync } from './previous-sync';

/** The real world the bench scales down: a 60 s window, the worker's 300 s, its 30 s margin. */
const REAL_WINDOW_MS = 60_000;
const REAL_SAFETY_MARGIN_MS = 30_000;
const REAL_LIMITER_WAIT_MS = 10_000;
const MAX_RECEIVE_COUNT = 5;
const WORKERS = 5;
const DAYS_BACK = 90;

export interface TicketSyncBenchOptions {
  readonly companies: number;
  readonly tickets: number;
  /** Upstream calls per window per account. */
  readonly limit: number;
  /** The scaled window (stands for 60 s). */
  readonly windowMs: number;
  /** Our limiter's margin over the window, in scaled milliseconds. */
  readonly safetyMarginMs: number;
  /** Give up on a strategy after this many windows. */
  readonly horizonWindows: number;
}

export type TicketSyncStrategy = 'durable-job' | 'previous-sync';

export interface TicketSyncFigures {
  readonly strategy: TicketSyncStrategy;
  readonly companiesDone: number;
  readonly companies: number;
  /** Longest company completion, ms (the horizon when some never finished). */
  readonly completionMs: number;
  /** Longest company lower bound: its calls needed / limit per window. */
  readonly lowerBoundMs: number;
  /** Calls made / calls the limit allowed while the company's work was pending, over all companies. */
  readonly utilisation: number;
  readonly upstream429: number;
  readonly deadLetters: number;
  /** Tickets whose detail was fetched more than once at the same revision in the first sync. */
  readonly fetchedTwice: number;
  /** Second sync over unchanged data, per ticket; undefined when the first never finished. */
  readonly secondSync: { readonly detailPerTicket: number; readonly responsesPerTicket: number } | undefined;
}

interface CallLog {
  details: Map<string, number>;
  responses: number;
  callsByCompany: Map<string, number>;
}

/**
 * Counts the calls that reached Bluestakes: a call the fleet-wide limiter refused (RATE_LIMITED)
 * never left, everything else (answers, 404s, 429s) did.
 */
async function counted<T>(call: () => Promise<T>, onSent: () => void): Promise<T> {
  try {
    const result = await call();
    onSent();
    return result;
  } catch (error) {
    if (!(error instanceof RateLimitExceededError)) onSent();
    throw error;
  }
}

function countingTokens(manager: TokenManager, log: CallLog): Pick<TokenManager, 'makeAuthenticatedRequest'> {
  return {
    makeAuthenticatedRequest(companyId, request) {
      return manager.makeAuthenticatedRequest(companyId, (api: AuthenticatedBluestakes) => {
        const id = String(companyId);
        const sent = () => log.callsByCompany.set(id, (log.callsByCompany.get(id) ?? 0) + 1);
        return request({
          ...api,
          searchTicketsPage: (query) => counted(() => api.searchTicketsPage(query), sent),
          getTicket: (number, options) =>
            counted(
              () => api.getTicket(number, options),
              () => {
                sent();
                log.details.set(number, (log.details.get(number) ?? 0) + 1);
              },
            ),
          getTicketResponses: (number) =>
            counted(
              () => api.getTicketResponses(number),
              () => {
                sent();
                log.responses += 1;
              },
            ),
          getSecondaryFunctions: (number) => counted(() => api.getSecondaryFunctions(number), sent),
        });
      });
    },
  };
}

/** One sync of every company through the queue; resolves with each company's completion time. */
async function syncAll(
  h: TicketsHarness,
  strategy: TicketSyncStrategy,
  tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>,
  options: TicketSyncBenchOptions,
): Promise<{ doneAt: Map<string, number>; deadLetters: number; startedAt: number }> {
  const scale = options.windowMs / REAL_WINDOW_MS;
  const timeoutMs = TICKET_SYNC_WORKER_TIMEOUT_SECONDS * 1000 * scale;
  const marginMs = REAL_SAFETY_MARGIN_MS * scale;
  const doneAt = new Map<string, number>();
  let service: TicketService | undefined;
  const queue = createInMemorySyncQueue({
    concurrency: WORKERS,
    maxAttempts: MAX_RECEIVE_COUNT,
    // Generous to the baseline: a failed message comes back after one window, not SQS's 6x timeout.
    retryDelayMs: options.windowMs,
    async worker(body) {
      const deadline = Date.now() + timeoutMs - marginMs;
      if (service !== undefined) {
        const outcome = await service.processSyncRecords([{ messageId: 'bench', body }], { deadline });
        for (const result of outcome.results) {
          if (result.complete) doneAt.set(result.company_id, Date.now());
        }
        if (outcome.failedMessageIds.length > 0) throw new Error('reported as failed');
        return;
      }
      const parsed = parseTicketSyncMessage(body);
      if (!parsed.ok) throw new Error(parsed.reason);
      const companyId = parsed.message.company_id;
      const complete = await previousSync(
        { tokens, repository: h.repository, executor: h.base.executor },
        companyId,
        {
          daysBack: DAYS_BACK,
          deadline,
        },
      );
      if (!complete) throw new Error('cut short by the deadline');
      doneAt.set(companyId, Date.now());
    },
  });
  const startedAt = Date.now();
  if (strategy === 'durable-job') {
    // Continuations go through the same in-memory queue (message delays included).
    // One call at a time per run: under a budget of `limit` per window more lanes only add jitter.
    service = h.createService({ tokens, queue, concurrency: 1 });
    await service.enqueueTicketSyncs({ daysBack: DAYS_BACK });
  } else {
    await queue.enqueue(h.companies.map((company) => ({ company_id: company.id, days_back: DAYS_BACK })));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    queue.idle(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.horizonWindows * options.windowMs);
    }),
  ]);
  clearTimeout(timer);
  await queue.close({ waitMs: 0 });
  return { doneAt, deadLetters: queue.deadLetters.length, startedAt };
}

/**
 * Runs one strategy on a fresh stack.
 *
 * @param lowerBounds - calls needed per company (from the durable job's run), for the baseline
 */
export async function runTicketSyncStrategy(
  strategy: TicketSyncStrategy,
  options: TicketSyncBenchOptions,
  lowerBounds?: ReadonlyMap<string, number>,
): Promise<TicketSyncFigures & { readonly callsNeeded: ReadonlyMap<string, number> }> {
  const scale = options.windowMs / REAL_WINDOW_MS;
  const h = await startTicketsHarness({
    accounts: Array.from({ length: options.companies }, (_, index) => ({
      username: `bench-sync-${index + 1}`,
      tickets: options.tickets,
    })),
    simulator: {
      rateLimit: { limit: options.limit, windowMs: options.windowMs, scope: 'account', countLogins: true },
    },
    env: {
      RATE_LIMIT_MAX_REQUESTS: String(options.limit),
      RATE_LIMIT_WINDOW_MS: String(options.windowMs),
      RATE_LIMIT_SAFETY_MARGIN_MS: String(options.safetyMarginMs),
      RATE_LIMIT_MAX_WAIT_MS: String(Math.round(REAL_LIMITER_WAIT_MS * scale)),
    },
  });
  try {
    const log: CallLog = { details: new Map(), responses: 0, callsByCompany: new Map() };
    const tokens = countingTokens(h.createManager(), log);
    const first = await syncAll(h, strategy, tokens, options);
    const stats = h.base.simulator.stats();
    const horizonMs = options.horizonWindows * options.windowMs;
    const callsNeeded = new Map<string, number>();
    let callsMade = 0;
    let callsAllowed = 0;
    let completionMs = 0;
    let lowerBoundMs = 0;
    for (const company of h.companies) {
      const logins = stats.logins[company.username];
      const calls = (log.callsByCompany.get(company.id) ?? 0) + (logins?.ok ?? 0) + (logins?.failed ?? 0);
      callsNeeded.set(company.id, calls);
      const elapsed = (first.doneAt.get(company.id) ?? first.startedAt + horizonMs) - first.startedAt;
      callsMade += calls;
      // A sliding log admits `limit` calls at once and `limit` more each window after: by `elapsed`,
      // at most limit x (whole windows + 1); C calls cannot finish before (ceil(C / limit) - 1) windows.
      callsAllowed += options.limit * (Math.floor(elapsed / options.windowMs) + 1);
      completionMs = Math.max(completionMs, elapsed);
      const needed = lowerBounds?.get(company.id) ?? calls;
      lowerBoundMs = Math.max(lowerBoundMs, (Math.ceil(needed / options.limit) - 1) * options.windowMs);
    }
    const fetchedTwice = [...log.details.values()].filter((count) => count > 1).length;
    const upstream429 = stats.rateLimited;

    let secondSync: TicketSyncFigures['secondSync'];
    if (first.doneAt.size === h.companies.length) {
      log.details.clear();
      log.responses = 0;
      await syncAll(h, strategy, tokens, options);
      const total = h.companies.length * options.tickets;
      const detailCalls = [...log.details.values()].reduce((sum, count) => sum + count, 0);
      secondSync = { detailPerTicket: detailCalls / total, responsesPerTicket: log.responses / total };
    }
    return {
      strategy,
      companiesDone: first.doneAt.size,
      companies: h.companies.length,
      completionMs,
      lowerBoundMs,
      utilisation: callsAllowed === 0 ? 0 : callsMade / callsAllowed,
      upstream429: h.base.simulator.stats().rateLimited + upstream429 - stats.rateLimited,
      deadLetters: first.deadLetters,
      fetchedTwice,
      secondSync,
      callsNeeded,
    };
  } finally {
    await h.close();
  }
}

const percent = (value: number) => `${Math.round(value * 100)} %`;

/** The figures as a Markdown table. */
export function renderTicketSyncTable(
  options: TicketSyncBenchOptions,
  figures: readonly TicketSyncFigures[],
): string {
  const lines = [
    `### Ticket sync: ${options.companies} companies x ${options.tickets} tickets, ${options.limit} calls per ${options.windowMs} ms window (standing for 60 s)`,
    '',
    '| strategy | companies done | budget utilisation | completion / lower bound | upstream 429s | dead letters | tickets fetched twice (same revision) | 2nd sync: detail calls per ticket | 2nd sync: responses calls per ticket |',
    '|---|---|---|---|---|---|---|---|---|',
    ...figures.map((f) =>
      [
        f.strategy,
        `${f.companiesDone}/${f.companies}`,
        percent(f.utilisation),
        `${(f.completionMs / 1000).toFixed(1)} s / ${(f.lowerBoundMs / 1000).toFixed(1)} s = ${(f.completionMs / f.lowerBoundMs).toFixed(2)}x`,
        String(f.upstream429),
        String(f.deadLetters),
        String(f.fetchedTwice),
        f.secondSync === undefined ? 'n/a (never finished)' : f.secondSync.detailPerTicket.toFixed(2),
        f.secondSync === undefined ? 'n/a' : f.secondSync.responsesPerTicket.toFixed(2),
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .replace(/$/, ' |'),
    ),
  ];
  return lines.join('\n');
}

/** Both strategies, the durable job first (its calls are the lower bound both are measured against). */
export async function runTicketSyncBench(
  options: TicketSyncBenchOptions,
  onProgress: (line: string) => void = () => undefined,
): Promise<TicketSyncFigures[]> {
  onProgress('ticket-sync: durable job');
  const job = await runTicketSyncStrategy('durable-job', options);
  onProgress('ticket-sync: previous sync (baseline)');
  const previous = await runTicketSyncStrategy('previous-sync', options, job.callsNeeded);
  return [job, previous];
}
