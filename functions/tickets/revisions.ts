import type { TicketSummary } from '@bluestakes/token-manager';

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
