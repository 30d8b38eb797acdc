import type { SimulatorTicket } from './types';

const DAY = 86_400_000;
/** Updates open this long before the replace-by date (the window the consumers' update job uses). */
const UPDATE_WINDOW = 7 * DAY;

export type TicketLookup =
  | { readonly kind: 'found'; readonly rows: readonly SimulatorTicket[] }
  | { readonly kind: 'foreign' }
  | { readonly kind: 'missing' };

export interface SecondaryFunctions {
  readonly ticket: string;
  readonly revision: string;
  readonly cancel: boolean;
  readonly comment: boolean;
  readonly remark: boolean;
  readonly retransmit: boolean;
  readonly secondNotice: boolean;
  readonly update: boolean;
}

export function normalizeTicketNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

export function revisionNumber(row: SimulatorTicket): number {
  const value = Number(row.revision);
  return Number.isFinite(value) ? value : 0;
}

interface Entry {
  readonly owner: string;
  readonly rows: SimulatorTicket[];
}

/** Every account's ticket rows, indexed by trimmed upper-case number. */
export class TicketStore {
  private readonly byAccount: ReadonlyMap<string, readonly SimulatorTicket[]>;
  private readonly index = new Map<string, Entry>();
  private readonly replaced = new Set<string>();

  constructor(byAccount: ReadonlyMap<string, readonly SimulatorTicket[]>) {
    this.byAccount = byAccount;
    for (const [owner, rows] of byAccount) {
      for (const row of rows) {
        const key = normalizeTicketNumber(row.ticket);
        const entry = this.index.get(key);
        if (entry && entry.owner !== owner) {
          throw new Error(`Ticket ${key} is given to both ${entry.owner} and ${owner}`);
        }
        if (entry) entry.rows.push(row);
        else this.index.set(key, { owner, rows: [row] });
        if (row.original_ticket.trim() !== '') this.replaced.add(normalizeTicketNumber(row.original_ticket));
      }
    }
    for (const entry of this.index.values()) entry.rows.sort((a, b) => revisionNumber(a) - revisionNumber(b));
  }

  rowsFor(username: string): readonly SimulatorTicket[] {
    return this.byAccount.get(username) ?? [];
  }

  lookup(username: string, number: string): TicketLookup {
    const entry = this.index.get(normalizeTicketNumber(number));
    if (!entry) return { kind: 'missing' };
    if (entry.owner !== username) return { kind: 'foreign' };
    return { kind: 'found', rows: entry.rows };
  }

  /** What the web UI would offer now: `update` only inside the window, never once replaced or expired. */
  secondaryFunctions(row: SimulatorTicket, nowMs: number): SecondaryFunctions {
    const expires = Date.parse(row.expires);
    const replaceBy = Date.parse(row.replace_by_date);
    const legal = Date.parse(row.legal_date);
    const alive = Number.isFinite(expires) && nowMs < expires;
    const replaced = this.replaced.has(normalizeTicketNumber(row.ticket));
    return {
      ticket: row.ticket,
      revision: row.revision,
      cancel: alive,
      comment: true,
      remark: alive,
      retransmit: alive,
      secondNotice: alive && Number.isFinite(legal) && nowMs >= legal,
      update: alive && !replaced && Number.isFinite(replaceBy) && replaceBy <= nowMs + UPDATE_WINDOW,
    };
  }
}
