import { InvalidInputError } from '@bluestakes/token-manager';
import { parseCompanyId } from '@bluestakes/token-manager/internal';
import * as z from 'zod/mini';
import { companyIdInput, daysBackInput } from './sync-queue';

/** `POST /tickets/sync`: `{company_id?, days_back?}`, nothing else. */
export const syncRequestBodySchema = z.strictObject(
  { company_id: z.optional(companyIdInput), days_back: z.optional(daysBackInput) },
  { error: 'The body must be a JSON object' },
);

/** A validated `POST /tickets/sync` body (company_id canonical). */
export type SyncRequestBody = z.infer<typeof syncRequestBodySchema>;

/** Ticket numbers as Bluestakes writes them: letters, digits and dashes (e.g. `A253140123`). */
const TICKET_NUMBER = /^[A-Z0-9-]{1,32}$/;

/**
 * A ticket number from the path: trimmed and upper-cased (numbers are upper-case upstream, and the
 * store keys on the trimmed number).
 *
 * @throws InvalidInputError (field `ticket`) for anything that cannot be a ticket number
 */
export function parseTicketNumber(input: unknown): string {
  const text = typeof input === 'string' ? input.trim().toUpperCase() : '';
  if (!TICKET_NUMBER.test(text)) {
    throw new InvalidInputError('ticket', 'ticket must be 1 to 32 letters, digits or dashes');
  }
  return text;
}

/**
 * The required `?company_id=` query parameter in canonical form.
 *
 * @throws InvalidInputError (field `company_id`) when it is missing or not a positive integer
 */
export function queryCompanyId(query: Readonly<Record<string, string | undefined>> | null): string {
  const value = query?.company_id;
  if (value === undefined || value.trim() === '') {
    throw new InvalidInputError('company_id', 'The company_id query parameter is required');
  }
  return parseCompanyId(value, 'company_id');
}
