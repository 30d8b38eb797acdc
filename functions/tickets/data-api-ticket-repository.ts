import { CompanyNotFoundError, type GeoJsonObject } from '@bluestakes/token-manager';
import {
  booleanOrNull,
  type ResultValue,
  type Row,
  requiredTime,
  type SqlExecutor,
  textOrNull,
  timeOrNull,
} from '@bluestakes/token-manager/internal';
import { parseWorkArea } from './location';
import type {
  StoredTicketLocation,
  TicketRepository,
  UpdatableTicket,
  UpdateCandidate,
  UpsertOutcome,
} from './ticket-repository';
import { UPSERT_SQL, upsertOutcome, upsertParams } from './ticket-upsert';

const COMPANY = 'CAST(:companyId AS bigint)';
/** Bounds one answer well under the Data API's 1 MiB response limit. */
const MAX_LISTED = 1000;
const MAX_CANDIDATES = 500;

function json(value: ResultValue | undefined): GeoJsonObject | null {
  return typeof value === 'string' ? parseWorkArea(value) : null;
}

const RETIRE_SQL = `
WITH retired AS (
  UPDATE project_tickets AS old
  SET is_continue_update = FALSE, replaced_by = newer.ticket_number, updated_at = now()
  FROM project_tickets AS newer
  WHERE newer.company_id = ${COMPANY}
    AND old.company_id = newer.company_id
    AND old.ticket_number = newer.old_ticket
    AND old.ticket_number <> newer.ticket_number
    AND old.replaced_by IS NULL
  RETURNING old.company_id, old.ticket_number
), dropped AS (
  DELETE FROM updatable_tickets AS u
  USING retired AS r
  WHERE u.company_id = r.company_id AND u.ticket_number = r.ticket_number
)
SELECT ticket_number FROM retired ORDER BY ticket_number`;

const CANDIDATES_SQL = `
SELECT t.ticket_number, t.replace_by_date
FROM project_tickets AS t
WHERE t.company_id = ${COMPANY}
  AND t.is_continue_update
  AND t.replace_by_date >= CAST(:from AS timestamptz)
  AND t.replace_by_date <= CAST(:to AS timestamptz)
  AND NOT EXISTS (
    SELECT 1 FROM updatable_tickets AS u
    WHERE u.company_id = t.company_id AND u.ticket_number = t.ticket_number)
ORDER BY t.replace_by_date, t.ticket_number
LIMIT ${MAX_CANDIDATES}`;

const LOCATION_SQL = `
SELECT company_id, ticket_number, revision, street, st_from_address, st_to_address, cross1, cross2,
       place, county, state, zip, location_description, work_area, synced_at,
       (synced_at >= now() - make_interval(secs => :maxAgeSeconds)) AS fresh
FROM project_tickets
WHERE ticket_number = :ticketNumber AND company_id = ${COMPANY}`;

const LIST_UPDATABLE_SQL = `
SELECT c.id AS company_id, u.ticket_number, u.replace_by_date, u.found_at,
       t.legal_date, t.expires, t.is_continue_update,
       t.street, t.st_from_address, t.st_to_address, t.cross1, t.cross2, t.place, t.county
FROM companies AS c
LEFT JOIN updatable_tickets AS u ON u.company_id = c.id
LEFT JOIN project_tickets AS t ON t.ticket_number = u.ticket_number AND t.company_id = u.company_id
WHERE c.id = ${COMPANY}
ORDER BY u.replace_by_date NULLS LAST, u.ticket_number
LIMIT ${MAX_LISTED}`;

/** The street address columns every location read selects. */
function streetAddress(row: Row) {
  return {
    street: textOrNull(row.street),
    stFromAddress: textOrNull(row.st_from_address),
    stToAddress: textOrNull(row.st_to_address),
    cross1: textOrNull(row.cross1),
    cross2: textOrNull(row.cross2),
    place: textOrNull(row.place),
    county: textOrNull(row.county),
  };
}

function toUpdatable(row: Row): UpdatableTicket {
  return {
    ticketNumber: String(row.ticket_number),
    replaceByDate: timeOrNull(row.replace_by_date),
    foundAt: requiredTime(row.found_at, 'found_at'),
    legalDate: timeOrNull(row.legal_date),
    expires: timeOrNull(row.expires),
    isContinueUpdate: booleanOrNull(row.is_continue_update),
    location: streetAddress(row),
  };
}

/**
 * The ticket store over the RDS Data API: one statement per call, named parameters with explicit
 * casts (strings bind as text), timestamps as TIMESTAMP-hinted UTC, JSON as JSON-hinted text.
 *
 * @param executor - the layer's Data API executor
 */
export function createDataApiTicketRepository(executor: SqlExecutor): TicketRepository {
  const read = async (sql: string, params: Parameters<SqlExecutor['execute']>[1]) =>
    (await executor.execute(sql, params, { idempotent: true })).rows;

  return {
    async listCompaniesWithCredentials() {
      // Enabled companies with credentials stored (and not deleted since): disabled ones get no syncs.
      const rows = await read(
        'SELECT id FROM companies WHERE enabled AND credentials_version > credentials_absent_version ORDER BY id',
        {},
      );
      return rows.map((row) => String(row.id));
    },

    async upsertTicket(record, options): Promise<UpsertOutcome> {
      // A conditional upsert: running it twice leaves the same row, so a retry after a lost answer is safe.
      const rows = await read(UPSERT_SQL, upsertParams(record, options));
      return upsertOutcome(rows[0]);
    },

    async retireReplacedTickets(companyId) {
      const { rows } = await executor.execute(RETIRE_SQL, { companyId }, { idempotent: true });
      return rows.map((row) => String(row.ticket_number));
    },

    async findUpdateCandidates(companyId, window) {
      const rows = await read(CANDIDATES_SQL, { companyId, from: window.from, to: window.to });
      return rows.map((row) => ({
        ticketNumber: String(row.ticket_number),
        replaceByDate: requiredTime(row.replace_by_date, 'replace_by_date'),
      }));
    },

    async recordUpdatableTicket(companyId, candidate: UpdateCandidate) {
      const rows = await read(
        `INSERT INTO updatable_tickets (company_id, ticket_number, replace_by_date)
         VALUES (${COMPANY}, :ticketNumber, CAST(:replaceByDate AS timestamptz))
         ON CONFLICT (company_id, ticket_number) DO NOTHING
         RETURNING ticket_number`,
        { companyId, ticketNumber: candidate.ticketNumber, replaceByDate: candidate.replaceByDate },
      );
      return rows.length > 0;
    },

    async findTicketLocation(
      companyId,
      ticketNumber,
      maxAgeSeconds,
    ): Promise<StoredTicketLocation | undefined> {
      const [row] = await read(LOCATION_SQL, { companyId, ticketNumber, maxAgeSeconds });
      if (row === undefined) return undefined;
      return {
        companyId: String(row.company_id),
        ticketNumber: String(row.ticket_number),
        revision: Number(row.revision),
        ...streetAddress(row),
        state: textOrNull(row.state),
        zip: textOrNull(row.zip),
        locationDescription: textOrNull(row.location_description),
        workArea: json(row.work_area),
        syncedAt: requiredTime(row.synced_at, 'synced_at'),
        fresh: row.fresh === true,
      };
    },

    async listUpdatableTickets(companyId) {
      const rows = await read(LIST_UPDATABLE_SQL, { companyId });
      if (rows.length === 0) throw new CompanyNotFoundError(companyId);
      return rows.filter((row) => row.ticket_number !== null).map(toUpdatable);
    },
  };
}
