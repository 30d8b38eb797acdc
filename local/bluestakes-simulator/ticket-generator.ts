/** Deterministic ticket histories per account: which tickets exist, their numbers, places and revisions. */
import { SeededRandom } from './random';
import {
  DONE_FOR,
  FIRST_NAMES,
  LAST_NAMES,
  LOCATION_PHRASES,
  MEMBERS,
  type MemberData,
  NAMED_STREETS,
  PLACES,
  WORK_TYPES,
} from './ticket-data';
import {
  DAY,
  HOUR,
  type Kind,
  MINUTE,
  REPLACE_AFTER,
  type RowSource,
  type TicketBase,
  type TicketPlan,
  ticketRow,
} from './ticket-row';
import type { SimulatorTicket, SimulatorTicketSeed } from './types';

const DEFAULT_TICKETS_PER_ACCOUNT = 30;

export interface GeneratorContext {
  readonly seed: number;
  /** The moment generated dates are relative to. */
  readonly referenceMs: number;
  /** Ticket numbers already taken by any account, so a number names one ticket simulator-wide. */
  readonly usedNumbers: Set<string>;
}

function companyName(username: string): string {
  return username.replace(/[-_.]+/g, ' ').toUpperCase();
}

function ticketNumber(prefix: string, startedMs: number, sequence: number): string {
  const date = new Date(startedMs);
  const year = date.getUTCFullYear() % 100;
  const dayOfYear = Math.floor((startedMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY) + 1;
  return `${prefix}${String(year).padStart(2, '0')}${String(dayOfYear).padStart(3, '0')}${String(sequence).padStart(4, '0')}`;
}

/**
 * The cycle guarantees every kind shows up in any account with at least eight tickets: "due-soon" ones
 * are updateable, "replaced" makes an old ticket plus its replacement, "overdue" is past its replace-by
 * date but not yet expired.
 */
const CYCLE: readonly Kind[] = [
  'fresh',
  'active',
  'due-soon',
  'active',
  'expired',
  'replaced',
  'due-soon',
  'overdue',
];

class TicketFactory {
  private readonly rng: SeededRandom;
  private readonly source: RowSource;
  private made = 0;

  constructor(
    username: string,
    private readonly ctx: GeneratorContext,
  ) {
    this.rng = new SeededRandom(ctx.seed, `tickets:${username}`);
    this.source = {
      rng: this.rng,
      username,
      company: companyName(username),
      referenceMs: ctx.referenceMs,
    };
  }

  generate(count: number): SimulatorTicket[] {
    const rows: SimulatorTicket[] = [];
    for (let cycle = 0; this.made < count; cycle += 1) {
      const kind = CYCLE[cycle % CYCLE.length] ?? 'active';
      if (kind === 'replaced' && count - this.made >= 2) {
        rows.push(...this.replacedPair());
      } else {
        rows.push(...this.rowsOf(this.plan(kind === 'replaced' ? 'active' : kind)));
      }
    }
    return rows;
  }

  /** One row per seed: generated values under the seed's own fields. */
  complete(seeds: readonly SimulatorTicketSeed[]): SimulatorTicket[] {
    const bases = new Map<string, TicketBase>();
    return seeds.map((seed) => {
      const revision = seed.revision ?? '0';
      let base = bases.get(seed.ticket);
      if (!base) {
        base = this.base(this.plan('active', undefined, undefined, seed.ticket));
        bases.set(seed.ticket, base);
      }
      const generated = ticketRow(this.source, base, Number(revision) || 0, base.plan.startedMs, revision);
      return { ...generated, ...seed, revision };
    });
  }

  private replacedPair(): SimulatorTicket[] {
    const rel = this.ctx.referenceMs;
    // The old ticket was updated early: its replace-by date is still ahead, but it is superseded.
    const old = this.plan('replaced', rel + this.rng.between(DAY, 5 * DAY) - REPLACE_AFTER);
    const successor = this.plan('fresh', rel - this.rng.between(3 * HOUR, 2 * DAY), {
      originalTicket: old.number.trim(),
      originalDateMs: old.originalDateMs,
      type: 'UPDATE',
    });
    return [...this.rowsOf(old), ...this.rowsOf(successor)];
  }

  private startFor(kind: Kind): number {
    const rel = this.ctx.referenceMs;
    switch (kind) {
      case 'fresh':
        return rel - this.rng.between(HOUR, 40 * HOUR);
      case 'active':
      case 'replaced':
        return rel - this.rng.between(3 * DAY, 12 * DAY);
      case 'due-soon':
        return rel + this.rng.between(4 * HOUR, 6.5 * DAY) - REPLACE_AFTER;
      case 'overdue':
        return rel - this.rng.between(2 * HOUR, 2 * DAY) - REPLACE_AFTER;
      case 'expired':
        return rel - this.rng.between(32 * DAY, 60 * DAY);
    }
  }

  private plan(
    kind: Kind,
    startedAt?: number,
    lineage?: { originalTicket: string; originalDateMs: number; type: string },
    fixedNumber?: string,
  ): TicketPlan {
    const index = this.made;
    this.made += 1;
    const startedMs = Math.floor((startedAt ?? this.startFor(kind)) / 1000) * 1000;
    const emergencyLike = index % 13 === 12;
    const prefix = emergencyLike ? 'C' : index % 17 === 16 ? 'D' : 'A';
    const number = fixedNumber ?? this.freshNumber(prefix, startedMs);
    const revisions = kind === 'fresh' ? 1 : index % 3 === 1 ? 2 : index % 5 === 2 ? 3 : 1;
    return {
      // Some numbers come padded, as the real API has been seen to send them.
      number: index % 7 === 3 && fixedNumber === undefined ? `${number}  ` : number,
      index,
      kind,
      startedMs,
      revisions,
      originalTicket: lineage?.originalTicket ?? ' ',
      originalDateMs: lineage?.originalDateMs ?? startedMs,
      type: lineage?.type ?? (emergencyLike ? 'EMERGENCY' : prefix === 'D' ? 'DESIGN' : 'NORMAL'),
    };
  }

  private freshNumber(prefix: string, startedMs: number): string {
    let sequence = this.rng.int(0, 9999);
    let number = ticketNumber(prefix, startedMs, sequence);
    for (let tries = 0; this.ctx.usedNumbers.has(number); tries += 1) {
      if (tries >= 10_000) throw new Error('Too many simulator tickets on one day to number them uniquely');
      sequence = (sequence + 1) % 10_000;
      number = ticketNumber(prefix, startedMs, sequence);
    }
    this.ctx.usedNumbers.add(number);
    return number;
  }

  private rowsOf(plan: TicketPlan): SimulatorTicket[] {
    const base = this.base(plan);
    const rows: SimulatorTicket[] = [];
    let revisionStart = plan.startedMs;
    for (let revision = 0; revision < plan.revisions; revision += 1) {
      rows.push(ticketRow(this.source, base, revision, revisionStart, String(revision)));
      const latestAllowed = this.ctx.referenceMs - (plan.revisions - revision) * 10 * MINUTE;
      revisionStart = Math.min(revisionStart + this.rng.between(2 * HOUR, 2 * DAY), latestAllowed);
    }
    return rows;
  }

  private name(): string {
    return `${this.rng.pick(FIRST_NAMES)} ${this.rng.pick(LAST_NAMES)}`;
  }

  private phone(): string {
    return `${this.rng.pick(['801', '385', '435'])}555${String(this.rng.int(0, 9999)).padStart(4, '0')}`;
  }

  private gridStreet(): string {
    const prefix = this.rng.pick(['N', 'S', 'E', 'W']);
    const suffix = prefix === 'N' || prefix === 'S' ? this.rng.pick(['E', 'W']) : this.rng.pick(['N', 'S']);
    return `${prefix} ${this.rng.int(1, 98) * 100} ${suffix}`;
  }

  private base(plan: TicketPlan): TicketBase {
    const place = this.rng.pick(PLACES);
    const street = this.rng.chance(0.7) ? this.gridStreet() : this.rng.pick(NAMED_STREETS);
    const houseNumber = this.rng.int(1, 98) * 100 + this.rng.int(0, 99);
    // Address shapes the consumers must cope with: "0" house numbers, one number, a range; " " crosses.
    const shape = plan.index % 4;
    const from = shape === 0 ? '0' : String(houseNumber);
    const to = shape === 0 ? '0' : shape === 1 ? from : String(houseNumber + this.rng.int(10, 80));
    const cross1 = shape === 0 || shape === 2 ? this.gridStreet() : ' ';
    const cross2 = shape === 0 ? this.gridStreet() : ' ';
    const members = MEMBERS.filter(() => this.rng.chance(0.55));
    const memberList = members.length > 0 ? members : [MEMBERS[0] as MemberData];
    const workType = this.rng.pick(WORK_TYPES);
    return {
      plan,
      place,
      emergency: plan.type === 'EMERGENCY',
      caller: this.name(),
      contact: this.name(),
      phone: this.phone(),
      contactPhone: this.phone(),
      cell: this.rng.chance(0.5) ? this.phone() : ' ',
      street,
      from,
      to,
      cross1,
      cross2,
      subdivision: this.rng.chance(0.3)
        ? `${this.rng.pick(LAST_NAMES)} ESTATES PHASE ${this.rng.int(1, 4)}`
        : ' ',
      lot: this.rng.chance(0.3) ? String(this.rng.int(1, 120)) : ' ',
      location: `${this.rng.pick(LOCATION_PHRASES)}${plan.index % 2 === 0 ? '   ' : ''}`,
      workType,
      doneFor: this.rng.pick(DONE_FOR),
      lat: place.lat + this.rng.between(-0.03, 0.03),
      lon: place.lon + this.rng.between(-0.03, 0.03),
      halfWidth: this.rng.between(0.0003, 0.002),
      halfHeight: this.rng.between(0.0003, 0.002),
      members: memberList,
      gridMap: `T${this.rng.int(1, 9)}${this.rng.pick(['N', 'S'])}R${this.rng.int(1, 4)}${this.rng.pick(['E', 'W'])}S${this.rng.int(1, 36)}`,
    };
  }
}

/** Ticket rows for one account, deterministic for a given seed, reference time and account order. */
export function generateTickets(
  username: string,
  tickets: number | readonly SimulatorTicketSeed[] | undefined,
  ctx: GeneratorContext,
): SimulatorTicket[] {
  const factory = new TicketFactory(username, ctx);
  if (tickets === undefined || typeof tickets === 'number') {
    return factory.generate(tickets ?? DEFAULT_TICKETS_PER_ACCOUNT);
  }
  return factory.complete(tickets);
}
