import type { TicketSummary } from '@bluestakes/token-manager';

/** What the store knows of a ticket, enough to decide what a sync fetches first. */
export interface StoredSyncState {
  readonly revision: number;
  readonly syncedAt: Date;
}

/** A ticket's revision as a number; unreadable revisions sort below every real one. */
export function revisionNumber(revision: unknown): number {
  const value = typeof revision === 'string' && revision.trim() !== '' ? Number(revision) : revision;
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NEGATIVE_INFINITY;
}

/** A revision as the store keeps it: unreadable ones as 0. */
export function storedRevision(revision: unknown): number {
  const value = revisionNumber(revision);
  return Number.isFinite(value) ? value : 0;
}

/**
 * One row per ticket number (trimmed): the highest `Number(revision)`, the first one seen on a tie.
 * The search lists every revision of a ticket as its own row, possibly across pages.
 *
 * @param rows - search rows in the order they arrived
 * @returns the latest row per ticket, in the order each ticket number first appeared
 */
export function selectLatestRevisions(rows: readonly TicketSummary[]): TicketSummary[] {
  const latest = new Map<string, TicketSummary>();
  for (const row of rows) {
    const ticket = typeof row.ticket === 'string' ? row.ticket.trim() : '';
    if (ticket === '') continue;
    const current = latest.get(ticket);
    if (current === undefined || revisionNumber(row.revision) > revisionNumber(current.revision)) {
      latest.set(ticket, row.ticket === ticket ? row : { ...row, ticket });
    }
  }
  return [...latest.values()];
}

function priority(ticket: TicketSummary, state: StoredSyncState | undefined): number {
  if (state === undefined) return 0;
  return revisionNumber(ticket.revision) > state.revision ? 1 : 2;
}

/**
 * The order a sync fetches tickets in: new ones first, then those with a newer revision, then the rest
 * by how long ago they were stored. A sync cut short by its deadline thus spends its calls where they
 * matter, and the next run carries on with what this one did not reach.
 *
 * @param tickets - the latest row per ticket
 * @param stored - what the store holds, by ticket number
 */
export function orderForFetch(
  tickets: readonly TicketSummary[],
  stored: ReadonlyMap<string, StoredSyncState>,
): TicketSummary[] {
  const keyed = tickets.map((ticket, index) => {
    const state = stored.get(ticket.ticket);
    return { ticket, index, rank: priority(ticket, state), syncedAt: state?.syncedAt.getTime() ?? 0 };
  });
  keyed.sort((a, b) => a.rank - b.rank || a.syncedAt - b.syncedAt || a.index - b.index);
  return keyed.map((entry) => entry.ticket);
}
