/** Shapes shared by the simulator's modules and its public face. */

export interface SimulatorAccount {
  readonly username: string;
  readonly password: string;
  /** A disabled account cannot log in and its tokens stop working. */
  readonly disabled?: boolean;
  /**
   * Either how many distinct ticket numbers to generate for the account (@default 30), or explicit
   * ticket rows (one per revision) whose missing fields are filled with generated data.
   */
  readonly tickets?: number | readonly SimulatorTicketSeed[];
}

export interface RateLimitSwitch {
  readonly limit: number;
  readonly windowMs: number;
  /** `account`: one sliding log per Blue Stakes username; `global`: one log for everything. */
  readonly scope: 'account' | 'global';
  /** Whether logins take a slot (and can be answered 429). */
  readonly countLogins: boolean;
  readonly sendRetryAfter: boolean;
  readonly retryAfterFormat: 'seconds' | 'http-date';
}

export type LatencySwitch = number | { readonly min: number; readonly max: number };

export interface SimulatorSwitches {
  /** @default 3600 */
  readonly tokenLifetimeSeconds: number;
  /** A successful login voids every older token of the same account. @default false */
  readonly revokeOnNewLogin: boolean;
  /** A login within this many ms of the account's last issued token gets that same token; 0 = off. @default 0 */
  readonly reuseTokenWithinMs: number;
  /** Status for a missing, malformed, expired or revoked bearer token. @default 401 */
  readonly rejectWith: 401 | 403;
  /** Status for a ticket that exists but belongs to another account. @default 404 */
  readonly foreignTicketStatus: 403 | 404;
  /** @default null (no limit) */
  readonly rateLimit: RateLimitSwitch | null;
  /** Delay before every `/api` request is handled. @default 0 */
  readonly latencyMs: LatencySwitch;
  /** What `YYYY-MM-DD` in `start`/`end` does: parsed, 400, or treated as absent. @default 'accept' */
  readonly isoDates: 'accept' | 'reject' | 'ignore';
  /** @default 'object' */
  readonly searchShape: 'object' | 'array-wrapped' | 'plain-array';
  /** Window for `maxAcceptedInWindow` while no rate limit is configured. @default 1000 */
  readonly statsWindowMs: number;
}

/** What `configure()` and `POST /__sim/config` take: rate-limit fields left out get their defaults. */
export type SimulatorSwitchesPatch = Partial<Omit<SimulatorSwitches, 'rateLimit'>> & {
  readonly rateLimit?: (Partial<RateLimitSwitch> & Pick<RateLimitSwitch, 'limit' | 'windowMs'>) | null;
};

export type SimulatorFaultKind =
  | { readonly kind: 'status'; readonly status: 500 | 502 | 503 | 504 }
  /** Never answers; the connection stays open until the client gives up or the simulator closes. */
  | { readonly kind: 'hang' }
  /** Destroys the socket without an answer. */
  | { readonly kind: 'drop' };

export type SimulatorFault = SimulatorFaultKind & {
  /** How many requests get the fault. @default 1, or unlimited when `fraction` is given */
  readonly count?: number;
  /** Chance (0..1] that a matching request gets the fault; drawn from the seeded generator. @default 1 */
  readonly fraction?: number;
  /** @default 'any' (every `/api` request) */
  readonly target?: 'any' | 'login' | 'tickets';
};

export interface MaxAcceptedInWindow {
  readonly windowMs: number;
  /** Most accepted requests inside any window of `windowMs`, all keys together. */
  readonly overall: number;
  /** The same per rate-limit key (the username for scope `account`, `global` otherwise). */
  readonly byKey: Readonly<Record<string, number>>;
}

export interface SimulatorStats {
  readonly totalRequests: number;
  readonly logins: Readonly<Record<string, { readonly ok: number; readonly failed: number }>>;
  readonly tokensIssued: number;
  readonly requestsByAccount: Readonly<Record<string, number>>;
  readonly requestsByEndpoint: Readonly<Record<string, number>>;
  readonly responsesByStatus: Readonly<Record<string, number>>;
  readonly rateLimited: number;
  readonly faultsInjected: { readonly status: number; readonly hang: number; readonly drop: number };
  /**
   * Computed exactly from the timestamps of requests the limiter admitted (well-formed logins and
   * authenticated ticket calls; logins only when the limit counts them), over the configured window.
   */
  readonly maxAcceptedInWindow: MaxAcceptedInWindow;
  /**
   * When each admitted login arrived, by account, in the simulator's clock: the one record of login
   * timing that does not depend on how long the caller took to store the token afterwards.
   */
  readonly loginArrivalsMs: Readonly<Record<string, readonly number[]>>;
}

export interface GeoJsonFeature {
  readonly type: 'Feature';
  readonly properties: Readonly<Record<string, unknown>>;
  readonly geometry:
    | { readonly type: 'Point'; readonly coordinates: readonly [number, number] }
    | { readonly type: 'Polygon'; readonly coordinates: readonly (readonly (readonly [number, number])[])[] };
}

export interface TicketMember {
  readonly ticket: string;
  readonly revision: string;
  readonly member_id: number;
  readonly mbcode: string;
  readonly deliver: string;
  readonly show: string;
  readonly add_manual: number;
  readonly add_gis: number;
  readonly add_grid: number;
  readonly rem_manual: number;
  readonly rem_gis: number;
  readonly rem_grid: number;
  readonly group_code: string;
  readonly name: string;
  readonly facility_type: string;
  readonly description: string;
  readonly system: string;
}

export interface TicketGrid {
  readonly ticket: string;
  readonly revision: string;
  readonly st: number;
  readonly co: number;
  readonly map: string;
  readonly name: string;
}

export interface TicketDelivery {
  readonly ticket: string;
  readonly revision: string;
  readonly member_id: number;
  readonly mbcode: string;
  readonly delivered: string;
  readonly sequence: number;
  readonly destination_type: string;
  readonly attempts: number;
  readonly sys_id: string;
  readonly type: string;
  readonly category: string;
  readonly priority: string;
}

export interface TicketResponse {
  readonly member_id: number;
  readonly ticket: string;
  readonly revision: string;
  readonly response: string;
  readonly responded: string;
  readonly response_by: string;
  readonly source: string;
  readonly sys_id: string;
  readonly comments: string;
  readonly description: string;
  readonly mbcode: string;
  readonly name: string;
  readonly mbdescription: string;
  readonly status: string;
}

/** One revision of one ticket, as `GET /api/tickets/{n}` serves it (field names as the API spells them). */
export interface SimulatorTicket {
  readonly ticket: string;
  readonly revision: string;
  readonly completed: string;
  readonly type: string;
  readonly priority: string;
  readonly category: string;
  readonly lookup: string;
  readonly channel: string;
  readonly started: string;
  readonly original_ticket: string;
  readonly original_date: string;
  readonly replace_by_date: string;
  readonly expires: string;
  readonly legal_date: string;
  readonly work_date: string;
  readonly response_due: string;
  readonly hours_notice_clock: number;
  readonly hours_notice_business: number;
  readonly account: string;
  readonly original_account: string;
  readonly caller_type: string;
  readonly name: string;
  readonly address1: string;
  readonly city: string;
  readonly cstate: string;
  readonly zip: string;
  readonly phone: string;
  readonly phone_ext: string;
  readonly caller: string;
  readonly caller_phone: string;
  readonly caller_phone_ext: string;
  readonly contact: string;
  readonly contact_phone: string;
  readonly contact_phone_ext: string;
  readonly cell: string;
  readonly email: string;
  readonly state: string;
  readonly county: string;
  readonly place: string;
  readonly subdivision: string;
  readonly lot: string;
  readonly st_from_address: string;
  readonly st_to_address: string;
  readonly street: string;
  readonly cross1: string;
  readonly cross2: string;
  readonly latitude: string;
  readonly longitude: string;
  readonly location: string;
  readonly svc_side_of_st: string;
  readonly work_type: string;
  readonly done_for: string;
  readonly boring: string;
  readonly rr: string;
  readonly remarks: string;
  readonly comments: string;
  readonly emergency: boolean;
  readonly blasting: boolean;
  readonly meet: boolean;
  readonly dig_in_road: boolean;
  readonly response_required: boolean;
  readonly extent_top: number;
  readonly extent_left: number;
  readonly extent_bottom: number;
  readonly extent_right: number;
  readonly area_in_miles: number;
  readonly work_area: GeoJsonFeature;
  readonly best_fit_rect: GeoJsonFeature;
  readonly centroid: GeoJsonFeature;
  readonly members: readonly TicketMember[];
  readonly grids: readonly TicketGrid[];
  readonly deliveries: readonly TicketDelivery[];
  /** Responses given to this revision (the detail route adds prior revisions' on `allPriorRevs=true`). */
  readonly responses: readonly TicketResponse[];
}

/** An explicit ticket row: at least its number; everything else defaults to generated values. */
export type SimulatorTicketSeed = Partial<SimulatorTicket> & { readonly ticket: string };
