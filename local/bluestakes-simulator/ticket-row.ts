/** One ticket row (a revision) and its member responses, as the Bluestakes API returns them. */
import type { SeededRandom } from './random';
import {
  FIRST_NAMES,
  LAST_NAMES,
  type MemberData,
  NAMED_STREETS,
  PLACES,
  type PlaceData,
  RESPONSE_CODES,
  UTAH_FIPS,
} from './ticket-data';
import type {
  GeoJsonFeature,
  SimulatorTicket,
  TicketDelivery,
  TicketGrid,
  TicketMember,
  TicketResponse,
} from './types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
// Invented but plausible ticket life: legal to dig after 2 days, refresh by day 21, dead on day 28.
export const LEGAL_AFTER = 2 * DAY;
export const REPLACE_AFTER = 21 * DAY;
export const EXPIRES_AFTER = 28 * DAY;

/** What every row of one account draws from: its random stream, names and reference time. */
export interface RowSource {
  readonly rng: SeededRandom;
  readonly username: string;
  readonly company: string;
  readonly referenceMs: number;
}

export type Kind = 'fresh' | 'active' | 'due-soon' | 'expired' | 'replaced' | 'overdue';

export interface TicketPlan {
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
export interface TicketBase {
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

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function feature(geometry: GeoJsonFeature['geometry'], properties: Record<string, unknown>): GeoJsonFeature {
  return { type: 'Feature', properties, geometry };
}

function ticketGeometry(base: TicketBase) {
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

export function ticketRow(
  source: RowSource,
  base: TicketBase,
  revision: number,
  revisionStartMs: number,
  revisionText: string,
): SimulatorTicket {
  const { plan, place } = base;
  const ticket = plan.number;
  const legal = plan.startedMs + LEGAL_AFTER;
  const geometry = ticketGeometry(base);
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
    delivered: isoSeconds(revisionStartMs + source.rng.between(MINUTE, 10 * MINUTE)),
    sequence: position + 1,
    destination_type: source.rng.pick(['EMAIL', 'FTP', 'API']),
    attempts: source.rng.chance(0.1) ? 2 : 1,
    sys_id: String(source.rng.int(1_000_000, 9_999_999)),
    type: plan.type,
    category: 'LREQ',
    priority,
  }));
  return {
    ticket,
    revision: revisionText,
    completed: isoSeconds(revisionStartMs + source.rng.between(2 * MINUTE, 15 * MINUTE)),
    type: revision > 0 ? 'CORRECTION' : plan.type,
    priority,
    category: 'LREQ',
    lookup: source.rng.pick(['POLYGON', 'GRID']),
    channel: source.rng.pick(['WEB', 'WEB', 'PHONE', 'API']),
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
    account: source.username,
    original_account: source.username,
    caller_type: source.rng.pick(['CONTRACTOR', 'CONTRACTOR', 'UTILITY', 'HOMEOWNER']),
    name: source.company,
    address1: `${source.rng.int(100, 9999)} ${source.rng.pick(NAMED_STREETS)}`,
    city: source.rng.pick(PLACES).place,
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
    email: `${base.contact.split(' ')[0]?.toLowerCase()}@${source.username.replace(/[^a-z0-9]+/gi, '')}.example`,
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
    svc_side_of_st: source.rng.pick(['N', 'S', 'E', 'W', 'B', ' ']),
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
    responses: plan.kind === 'fresh' ? [] : ticketResponses(source, base, revisionText, revisionStartMs),
  };
}

function ticketResponses(
  source: RowSource,
  base: TicketBase,
  revision: string,
  revisionStartMs: number,
): TicketResponse[] {
  const latest = source.referenceMs - MINUTE;
  return base.members
    .filter(() => source.rng.chance(0.85))
    .map((member) => {
      const code = source.rng.pick(RESPONSE_CODES);
      const respondedMs = Math.min(revisionStartMs + source.rng.between(2 * HOUR, 2 * DAY), latest);
      return {
        member_id: member.member_id,
        ticket: base.plan.number,
        revision,
        response: code.code,
        // Fractional seconds on purpose: consumers have to parse both forms.
        responded: new Date(Math.floor(respondedMs)).toISOString(),
        response_by: `${source.rng.pick(FIRST_NAMES).charAt(0)}${source.rng.pick(LAST_NAMES)}`,
        source: source.rng.pick(['WEB', 'IVR', 'API']),
        sys_id: String(source.rng.int(1_000_000, 9_999_999)),
        comments: code.code === '30' ? 'SEE FLAGS AT BACK OF LOT' : ' ',
        description: code.description,
        mbcode: member.mbcode,
        name: member.name,
        mbdescription: member.description,
        status: 'ACTIVE',
      };
    });
}
