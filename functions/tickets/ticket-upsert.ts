import { type Row, type SqlParams, sqlJson } from '@bluestakes/token-manager/internal';
import type { TicketRecord } from './ticket-record';
import type { UpsertOptions, UpsertOutcome } from './ticket-repository';

const COMPANY = 'CAST(:companyId AS bigint)';

/**
 * The conditional upsert of one ticket: written only when the revision or content changed, never to a
 * lower revision, never over another company's row; `is_continue_update` only set on insert. Running
 * it twice leaves the same row, so a retry after a lost answer is safe.
 */
export const UPSERT_SQL = `
INSERT INTO project_tickets AS t (
  ticket_number, company_id, old_ticket, replace_by_date, legal_date, expires, is_continue_update,
  place, street, st_from_address, st_to_address, cross1, cross2, county, state, zip,
  location_description, work_area, revision, raw, responses)
VALUES (
  :ticketNumber, ${COMPANY}, :oldTicket,
  CAST(:replaceByDate AS timestamptz), CAST(:legalDate AS timestamptz), CAST(:expires AS timestamptz),
  NOT COALESCE(CAST(:expires AS timestamptz) < CAST(:now AS timestamptz), FALSE),
  :place, :street, :stFromAddress, :stToAddress, :cross1, :cross2, :county, :state, :zip,
  :locationDescription, CAST(:workArea AS jsonb), CAST(:revision AS bigint), CAST(:raw AS jsonb),
  COALESCE(CAST(:responses AS jsonb), '[]'::jsonb))
ON CONFLICT (ticket_number) DO UPDATE SET
  old_ticket = EXCLUDED.old_ticket,
  replace_by_date = EXCLUDED.replace_by_date,
  legal_date = EXCLUDED.legal_date,
  expires = EXCLUDED.expires,
  place = EXCLUDED.place,
  street = EXCLUDED.street,
  st_from_address = EXCLUDED.st_from_address,
  st_to_address = EXCLUDED.st_to_address,
  cross1 = EXCLUDED.cross1,
  cross2 = EXCLUDED.cross2,
  county = EXCLUDED.county,
  state = EXCLUDED.state,
  zip = EXCLUDED.zip,
  location_description = EXCLUDED.location_description,
  work_area = EXCLUDED.work_area,
  revision = EXCLUDED.revision,
  raw = EXCLUDED.raw,
  responses = CASE WHEN :keepResponses THEN t.responses ELSE EXCLUDED.responses END,
  synced_at = now(),
  updated_at = CASE
    WHEN t.revision <> EXCLUDED.revision OR t.raw IS DISTINCT FROM EXCLUDED.raw
      OR (NOT :keepResponses AND t.responses IS DISTINCT FROM EXCLUDED.responses)
    THEN now() ELSE t.updated_at END
WHERE t.company_id = EXCLUDED.company_id
  AND EXCLUDED.revision >= t.revision
  AND (:touch
    OR t.revision <> EXCLUDED.revision
    OR t.raw IS DISTINCT FROM EXCLUDED.raw
    OR (NOT :keepResponses AND t.responses IS DISTINCT FROM EXCLUDED.responses))
RETURNING (xmax = 0) AS inserted,
  (updated_at = now()) AS changed`;

/** The parameters of {@link UPSERT_SQL} for one record. */
export function upsertParams(record: TicketRecord, options: UpsertOptions): SqlParams {
  return {
    companyId: record.companyId,
    ticketNumber: record.ticketNumber,
    oldTicket: record.oldTicket,
    replaceByDate: record.replaceByDate,
    legalDate: record.legalDate,
    expires: record.expires,
    now: options.now,
    place: record.place,
    street: record.street,
    stFromAddress: record.stFromAddress,
    stToAddress: record.stToAddress,
    cross1: record.cross1,
    cross2: record.cross2,
    county: record.county,
    state: record.state,
    zip: record.zip,
    locationDescription: record.locationDescription,
    workArea: record.workArea === null ? null : sqlJson(record.workArea),
    revision: String(record.revision),
    raw: sqlJson(record.raw),
    responses: record.responses === undefined ? null : sqlJson(record.responses),
    keepResponses: record.responses === undefined,
    touch: options.touch ?? false,
  };
}

/** What {@link UPSERT_SQL} did, from its one returned row (none: nothing written). */
export function upsertOutcome(row: Row | undefined): UpsertOutcome {
  if (row === undefined) return 'unchanged';
  if (row.inserted === true) return 'inserted';
  return row.changed === true ? 'updated' : 'unchanged';
}
