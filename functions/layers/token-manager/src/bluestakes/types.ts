/**
 * The Bluestakes ticket data model as public client code types it.
 * Every field but the identity is optional because the upstream leaves fields out, and every
 * object keeps an index signature so fields nobody has documented yet survive a round trip.
 * Values are passed through untouched (padded strings, `" "` and `"0"` placeholders included).
 */

/** A GeoJSON object as the API sends it; `work_area` may also arrive as a JSON string. */
export interface GeoJsonObject {
  type: string;
  [key: string]: unknown;
}

/** A GeoJSON Feature (`work_area`, `best_fit_rect`, `centroid`). */
export interface GeoJsonFeature extends GeoJsonObject {
  properties?: Record<string, unknown> | null;
  geometry?: unknown;
}

/** A utility member notified about the ticket (`members[]`); `add_*`/`rem_*` flags sit in the index. */
export interface TicketMember {
  ticket?: string;
  revision?: string;
  member_id?: number;
  mbcode?: string;
  deliver?: string;
  show?: string;
  group_code?: string;
  name?: string;
  facility_type?: string;
  description?: string;
  system?: string;
  [key: string]: unknown;
}

/** A map grid cell the dig site touches (`grids[]`). */
export interface TicketGrid {
  ticket?: string;
  revision?: string;
  st?: number;
  co?: number;
  map?: string;
  name?: string;
  [key: string]: unknown;
}

/** One delivery of the ticket to a member (`deliveries[]`). */
export interface TicketDelivery {
  ticket?: string;
  revision?: string;
  member_id?: number;
  mbcode?: string;
  delivered?: string;
  sequence?: string;
  destination_type?: string;
  attempts?: string;
  sys_id?: string;
  type?: string;
  category?: string;
  priority?: string;
  [key: string]: unknown;
}

/** A utility member's response to a ticket (`GET /tickets/{n}/responses`, and `responses[]` of a ticket). */
export interface TicketResponse {
  member_id?: number;
  ticket?: string;
  revision?: string;
  /** The response code. */
  response?: string;
  /** When the member responded (ISO-8601). */
  responded?: string;
  response_by?: string;
  source?: string;
  sys_id?: string;
  comments?: string;
  description?: string;
  mbcode?: string;
  /** The member's name (the API sends `name`, not `mbname`). */
  name?: string;
  mbdescription?: string;
  status?: string;
  [key: string]: unknown;
}

/** A full ticket (`GET /tickets/{n}`). Dates are ISO-8601 strings. */
export interface Ticket {
  /** The ticket number, trimmed by the client. */
  ticket: string;
  /** A numeric string; compare with `Number()`. */
  revision: string;
  completed?: string;
  type?: string;
  priority?: string;
  category?: string;
  lookup?: string;
  channel?: string;
  started?: string;
  /** The earlier ticket this one replaces or continues; blank when none. */
  original_ticket?: string;
  original_date?: string;
  /** Deadline for refreshing ("updating") the locate. */
  replace_by_date?: string;
  /** The ticket is dead after this. */
  expires?: string;
  /** When digging may legally start. */
  legal_date?: string;
  work_date?: string;
  /** When member responses are due. */
  response_due?: string;
  hours_notice_clock?: number;
  hours_notice_business?: number;
  account?: string;
  original_account?: string;
  caller_type?: string;
  name?: string;
  address1?: string;
  city?: string;
  /** The caller's state (not the dig site's). */
  cstate?: string;
  zip?: string;
  phone?: string;
  phone_ext?: string;
  caller?: string;
  caller_phone?: string;
  caller_phone_ext?: string;
  contact?: string;
  contact_phone?: string;
  contact_phone_ext?: string;
  cell?: string;
  email?: string;
  state?: string;
  county?: string;
  /** City or town of the dig site. */
  place?: string;
  subdivision?: string;
  lot?: string;
  st_from_address?: string;
  st_to_address?: string;
  street?: string;
  cross1?: string;
  cross2?: string;
  latitude?: string;
  longitude?: string;
  /** Free-text directions to the dig site. */
  location?: string;
  svc_side_of_st?: string;
  work_type?: string;
  done_for?: string;
  boring?: string;
  rr?: string;
  remarks?: string;
  comments?: string;
  emergency?: boolean;
  blasting?: boolean;
  meet?: boolean;
  dig_in_road?: boolean;
  response_required?: boolean;
  extent_top?: number;
  extent_left?: number;
  extent_bottom?: number;
  extent_right?: number;
  area_in_miles?: number;
  work_area?: GeoJsonObject | string;
  best_fit_rect?: GeoJsonFeature;
  centroid?: GeoJsonFeature;
  members?: TicketMember[];
  grids?: TicketGrid[];
  deliveries?: TicketDelivery[];
  responses?: TicketResponse[];
  [key: string]: unknown;
}

/** A row of `GET /tickets/search`. Whether rows are summaries or full tickets is unknown, so: a Ticket. */
export type TicketSummary = Ticket;

/** Which follow-up actions Bluestakes allows on a ticket (`GET /tickets/{n}/secondary-functions`). */
export interface SecondaryFunctions {
  ticket: string;
  revision: string;
  cancel: boolean;
  comment: boolean;
  remark: boolean;
  retransmit: boolean;
  secondNotice: boolean;
  /** True when the ticket may be updated (refreshed) now. */
  update: boolean;
}

/** A date window search. Dates are calendar dates; a `Date` is read in the client's search time zone. */
export interface TicketSearchQuery {
  /** First day of the window: a Date, `YYYY-MM-DD` or `MM/DD/YYYY`. */
  start: Date | string;
  /** Last day of the window, same forms as `start`. */
  end: Date | string;
  /** Work-area state filter. */
  state?: string;
  /** Work-area county filter. */
  county?: string;
  /** Passed through unchanged; upstream values are undocumented. */
  sort?: string;
  /** Rows per page for this search (overrides the client's `searchPageSize`). */
  limit?: number;
}

/** One page of a search, as `searchTicketsPage` takes it. */
export interface TicketSearchPageQuery extends TicketSearchQuery {
  /** 0-based row offset. */
  offset: number;
  /** Rows per page. */
  limit: number;
}

/** One page of search results. `count`/`total` are passed through when the upstream sends them. */
export interface TicketSearchPage {
  tickets: TicketSummary[];
  count?: number;
  total?: number;
}

/** A successful login. */
export interface BluestakesLogin {
  /** The bare bearer token (no `Bearer ` prefix). */
  token: string;
  /** From the JWT `exp` claim when the token is a decodable JWT. */
  expiresAt?: Date;
  /** From the JWT `iat` claim: the upstream's clock at issue, so `expiresAt - issuedAt` is skew-free. */
  issuedAt?: Date;
  /** The login reply's `Date` header: the upstream's clock when it answered (second precision). */
  serverDate?: Date;
  /** A short non-reversible id of the token, safe for logs. */
  fingerprint: string;
}
