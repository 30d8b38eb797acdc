/**
 * The ticket sync as it was before the durable job, kept as the benchmark's baseline: one inline
 * sync per queue message, searching everything, then fetching detail and responses of every ticket
 * (new ones first, then newer revisions, then by oldest `synced_at`), waiting out rate limits a few
 * times per call, and stopping at the deadline with `complete: false` (the message is then failed back
 * to the queue, which redelivers it and dead-letters it after `maxReceiveCount`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AuthenticatedBluestakes,
  RateLimitExceededError,
  type TokenManager,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
} from '@bluestakes/token-manager';
import { type SqlExecutor, sqlJson } from '@bluestakes/token-manager/internal';
import {
  revisionNumber,
  selectLatestRevisions,
  type TicketRepository,
  toTicketRecord,
  UPDATE_WINDOW_MS,
} from '../../functions/tickets';

const DAY_MS = 86_400_000;
const ATTEMPTS_PER_CALL = 4;
const PAGE_SIZE = 100;

export interface PreviousSyncDependencies {
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
  readonly repository: TicketRepository;
  readonly executor: SqlExecutor;
}

/** @returns whether the sync got through everything before the deadline */
export async function previousSync(
  deps: PreviousSyncDependencies,
  companyId: string,
  options: { readonly daysBack: number; readonly deadline: number },
): Promise<boolean> {
  const mayStart = () => Date.now() < options.deadline;
  async function upstream<T>(request: (api: AuthenticatedBluestakes) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await deps.tokens.makeAuthenticatedRequest(companyId, request);
      } catch (error) {
        const limited = error instanceof RateLimitExceededError || error instanceof UpstreamRateLimitedError;
        const waitMs = limited ? Math.max(100, error.retryAfterMs ?? 1000) : undefined;
        if (waitMs === undefined || attempt >= ATTEMPTS_PER_CALL || Date.now() + waitMs >= options.deadline) {
          throw error;
        }
        await sleep(waitMs);
      }
    }
  }
  const orNull = async <T>(call: Promise<T>): Promise<T | null> => {
    try {
      return await call;
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  };

  const now = new Date();
  const window = { start: new Date(now.getTime() - options.daysBack * DAY_MS), end: now };
  const rows = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await upstream((api) => api.searchTicketsPage({ ...window, offset, limit: PAGE_SIZE }));
    rows.push(...page.tickets);
    if (page.tickets.length < PAGE_SIZE) break;
  }
  const latest = selectLatestRevisions(rows);
  const stored = await deps.executor.execute(
    `SELECT ticket_number, revision, synced_at FROM project_tickets
     WHERE ticket_number IN (SELECT jsonb_array_elements_text(CAST(:numbers AS jsonb)))`,
    { numbers: sqlJson(latest.map((ticket) => ticket.ticket)) },
  );
  const known = new Map(stored.rows.map((row) => [String(row.ticket_number), row]));
  const rank = (ticket: (typeof latest)[number]) => {
    const row = known.get(ticket.ticket);
    if (row === undefined) return [0, 0];
    const newer = revisionNumber(ticket.revision) > Number(row.revision);
    return [newer ? 1 : 2, Date.parse(`${String(row.synced_at).replace(' ', 'T')}Z`)];
  };
  const ordered = [...latest].sort((a, b) => {
    const [ra = 0, sa = 0] = rank(a);
    const [rb = 0, sb = 0] = rank(b);
    return ra - rb || sa - sb;
  });

  for (const ticket of ordered) {
    if (!mayStart()) return false;
    const detail = await orNull(upstream((api) => api.getTicket(ticket.ticket)));
    if (detail === null) continue;
    const responses = (await orNull(upstream((api) => api.getTicketResponses(ticket.ticket)))) ?? [];
    await deps.repository.upsertTicket(toTicketRecord(companyId, detail, responses), { now });
  }
  await deps.repository.retireReplacedTickets(companyId);
  const candidates = await deps.repository.findUpdateCandidates(companyId, {
    from: now,
    to: new Date(now.getTime() + UPDATE_WINDOW_MS),
  });
  for (const candidate of candidates) {
    if (!mayStart()) return false;
    const functions = await orNull(upstream((api) => api.getSecondaryFunctions(candidate.ticketNumber)));
    if (functions?.update === true) await deps.repository.recordUpdatableTicket(companyId, candidate);
  }
  return true;
}
