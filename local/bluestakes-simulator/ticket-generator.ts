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
  type PlaceData,
  RESPONSE_CODES,
  UTAH_FIPS,
  WORK_TYPES,
} from './ticket-data';
import type {
  GeoJsonFeature,
  SimulatorTicket,
  SimulatorTicketSeed,
  TicketDelivery,
  TicketGrid,
  TicketMember,
  TicketResponse,
} from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Invented but plausible ticket life: legal to dig after 2 days, refresh by day 21, dead on day 28.
const LEGAL_AFTER = 2 * DAY;
const REPLACE_AFTER = 21 * DAY;
const EXPIRES_AFTER = 28 * DAY;

const DEFAULT_TICKETS_PER_ACCOUNT = 30;

export interface GeneratorContext {
  readonly seed: number;
  /** The moment generated dates are relative to. */
  readonly referenceMs: number;
  /** Ticket numbers already taken by any account, so a number names one ticket simulator-wide. */
  readonly usedNumbers: Set<string>;
}

/**
 * The cycle guarantees every kind shows up in any account with at least eight tickets: "due-soon" ones
 * are updateable, "replaced" makes an old ticket plus its replacement, "overdue" is past its replace-by
 * date but not yet expired.
 */
type Kind = 'fresh' | 'active' | 'due-soon' | 'expired' | 'replaced' | 'overdue';
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

interface TicketPlan {
  readonly number: string;
  readonly index: number;
  readonly kind: Kind;
  readonly startedMs: number;
  readonly revisions: number;
  readonly originalTicket: string;
  readonly originalDateMs: number;
  readonly type: string;
}

/** Per-ticket values every revision shares. */
interface TicketBase {
  readonly plan: TicketPlan;
  readonly place: PlaceData;
  readonly emergency: boolean;
  readonly caller: string;
  readonly contact: string;
  readonly phone: string;
  readonly contactPhone: string;
  readonly cell: string;
  readonly street: string;
  readonly from: string;
  readonly to: string;
  readonly cross1: string;
  readonly cross2: string;
  readonly subdivision: string;
  readonly lot: string;
  readonly location: string;
  readonly workType: string;
  readonly doneFor: string;
  readonly lat: number;
  readonly lon: number;
  readonly halfWidth: number;
  readonly halfHeight: number;
  readonly members: readonly MemberData[];
  readonly gridMap: string;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
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

function feature(geometry: GeoJsonFeature['geometry'], properties: Record<string, unknown>): GeoJsonFeature {
  return { type: 'Feature', properties, geometry };
}

class TicketFactory {
  private readonly rng: SeededRandom;
  private readonly company: string;
  private made = 0;

  constructor(
    private readonly username: string,
    private readonly ctx: GeneratorContext,
  ) {
    this.rng = new SeededRandom(ctx.seed, `tickets:${username}`);
    this.company = companyName(username);
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
      const generated = this.row(base, Number(revision) || 0, base.plan.startedMs, revision);
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
      rows.push(this.row(base, revision, revisionStart, String(revision)));
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

  private geometry(base: TicketBase) {
    const { lat, lon, halfWidth: w, halfHeight: h } = base;
    const ring: [number, number][] = [
      [round6(lon - w), round6(lat - h * 0.8)],
      [round6(lon + w * 0.9), round6(lat - h)],
      [round6(lon + w), round6(lat + h * 0.7)],
      [round6(lon - w * 0.6), round6(lat + h)],
    ];
    ring.push(ring[0] as [number, number]);
    const left = round6(lon - w);
    const right = round6(lon + w);
    const bottom = round6(lat - h);
    const top = round6(lat + h);
    const milesPerDegreeLat = 69.05;
    const milesPerDegreeLon = milesPerDegreeLat * Math.cos((lat * Math.PI) / 180);
    const area = (right - left) * milesPerDegreeLon * (top - bottom) * milesPerDegreeLat * 0.8;
    return {
      extent: { top, left, bottom, right },
      area: Math.round(area * 1e6) / 1e6,
      workArea: feature({ type: 'Polygon', coordinates: [ring] }, { source: 'caller' }),
      bestFit: feature(
        {
          type: 'Polygon',
          coordinates: [
            [
              [left, bottom],
              [right, bottom],
              [right, top],
              [left, top],
              [left, bottom],
            ],
          ],
        },
        {},
      ),
      centroid: feature({ type: 'Point', coordinates: [round6(lon), round6(lat)] }, {}),
    };
  }

  private row(
    base: TicketBase,
    revision: number,
    revisionStartMs: number,
    revisionText: string,
  ): SimulatorTicket {
    const { plan, place } = base;
    const ticket = plan.number;
    const legal = plan.startedMs + LEGAL_AFTER;
    const geometry = this.geometry(base);
    const priority = base.emergency ? 'EMER' : 'NORM';
    const members: TicketMember[] = base.members.map((member, position) => ({
      ticket,
      revision: revisionText,
      member_id: member.member_id,
      mbcode: member.mbcode,
      deliver: 'Y',
      show: 'Y',
      add_manual: position === 0 && revision > 0 ? 1 : 0,
      add_gis: member.system === 'GIS' ? 1 : 0,
      add_grid: member.system === 'GRID' ? 1 : 0,
      rem_manual: 0,
      rem_gis: 0,
      rem_grid: 0,
      group_code: member.group_code,
      name: member.name,
      facility_type: member.facility_type,
      description: member.description,
      system: member.system,
    }));
    const grids: TicketGrid[] = [
      { ticket, revision: revisionText, st: UTAH_FIPS, co: place.co, map: base.gridMap, name: place.place },
    ];
    const deliveries: TicketDelivery[] = base.members.map((member, position) => ({
      ticket,
      revision: revisionText,
      member_id: member.member_id,
      mbcode: member.mbcode,
      delivered: isoSeconds(revisionStartMs + this.rng.between(MINUTE, 10 * MINUTE)),
      sequence: position + 1,
      destination_type: this.rng.pick(['EMAIL', 'FTP', 'API']),
      attempts: this.rng.chance(0.1) ? 2 : 1,
      sys_id: String(this.rng.int(1_000_000, 9_999_999)),
      type: plan.type,
      category: 'LREQ',
      priority,
    }));
    return {
      ticket,
      revision: revisionText,
      completed: isoSeconds(revisionStartMs + this.rng.between(2 * MINUTE, 15 * MINUTE)),
      type: revision > 0 ? 'CORRECTION' : plan.type,
      priority,
      category: 'LREQ',
      lookup: this.rng.pick(['POLYGON', 'GRID']),
      channel: this.rng.pick(['WEB', 'WEB', 'PHONE', 'API']),
      started: isoSeconds(revisionStartMs),
      original_ticket: plan.originalTicket,
      original_date: isoSeconds(plan.originalDateMs),
      replace_by_date: isoSeconds(plan.startedMs + REPLACE_AFTER),
      expires: isoSeconds(plan.startedMs + EXPIRES_AFTER),
      legal_date: isoSeconds(legal),
      work_date: isoSeconds(legal),
      response_due: isoSeconds(legal),
      hours_notice_clock: 48,
      hours_notice_business: base.emergency ? 0 : 48,
      account: this.username,
      original_account: this.username,
      caller_type: this.rng.pick(['CONTRACTOR', 'CONTRACTOR', 'UTILITY', 'HOMEOWNER']),
      name: this.company,
      address1: `${this.rng.int(100, 9999)} ${this.rng.pick(NAMED_STREETS)}`,
      city: this.rng.pick(PLACES).place,
      cstate: 'UT',
      zip: place.zip,
      phone: base.phone,
      phone_ext: ' ',
      caller: base.caller,
      caller_phone: base.phone,
      caller_phone_ext: ' ',
      contact: base.contact,
      contact_phone: base.contactPhone,
      contact_phone_ext: ' ',
      cell: base.cell,
      email: `${base.contact.split(' ')[0]?.toLowerCase()}@${this.username.replace(/[^a-z0-9]+/gi, '')}.example`,
      state: 'UT',
      county: place.county,
      place: place.place,
      subdivision: base.subdivision,
      lot: base.lot,
      st_from_address: base.from,
      st_to_address: base.to,
      street: base.street,
      cross1: base.cross1,
      cross2: base.cross2,
      latitude: base.lat.toFixed(6),
      longitude: base.lon.toFixed(6),
      location: base.location,
      svc_side_of_st: this.rng.pick(['N', 'S', 'E', 'W', 'B', ' ']),
      work_type: base.workType,
      done_for: base.doneFor,
      boring: base.workType.includes('BORE') ? 'Y' : 'N',
      rr: 'N',
      remarks: revision > 0 ? `REVISION ${revision}: EXTENDED AREA TO INCLUDE PARKSTRIP` : ' ',
      comments: ' ',
      emergency: base.emergency,
      blasting: false,
      meet: plan.index % 9 === 4,
      dig_in_road: base.cross1 !== ' ',
      response_required: true,
      extent_top: geometry.extent.top,
      extent_left: geometry.extent.left,
      extent_bottom: geometry.extent.bottom,
      extent_right: geometry.extent.right,
      area_in_miles: geometry.area,
      work_area: geometry.workArea,
      best_fit_rect: geometry.bestFit,
      centroid: geometry.centroid,
      members,
      grids,
      deliveries,
      responses: plan.kind === 'fresh' ? [] : this.responses(base, revisionText, revisionStartMs),
    };
  }

  private responses(base: TicketBase, revision: string, revisionStartMs: number): TicketResponse[] {
    const latest = this.ctx.referenceMs - MINUTE;
    return base.members
      .filter(() => this.rng.chance(0.85))
      .map((member) => {
        const code = this.rng.pick(RESPONSE_CODES);
        const respondedMs = Math.min(revisionStartMs + this.rng.between(2 * HOUR, 2 * DAY), latest);
        return {
          member_id: member.member_id,
          ticket: base.plan.number,
          revision,
          response: code.code,
          // Fractional seconds on purpose: consumers have to parse both forms.
          responded: new Date(Math.floor(respondedMs)).toISOString(),
          response_by: `${this.rng.pick(FIRST_NAMES).charAt(0)}${this.rng.pick(LAST_NAMES)}`,
          source: this.rng.pick(['WEB', 'IVR', 'API']),
          sys_id: String(this.rng.int(1_000_000, 9_999_999)),
          comments: code.code === '30' ? 'SEE FLAGS AT BACK OF LOT' : ' ',
          description: code.description,
          mbcode: member.mbcode,
          name: member.name,
          mbdescription: member.description,
          status: 'ACTIVE',
        };
      });
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
