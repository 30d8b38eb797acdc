import { UpstreamBadResponseError } from '../errors';
import { isRecord } from './json';
import type { SecondaryFunctions, Ticket, TicketResponse } from './types';

function identity(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Accepts a ticket row when it has a ticket number; trims the number (padded numbers once broke URLs
 * and polluted the consumer's database) and turns the revision into a string. Other fields are kept
 * exactly as sent.
 */
export function normalizeTicketRow(row: unknown): Ticket | undefined {
  if (!isRecord(row)) return undefined;
  const ticket = identity(row.ticket);
  if (!ticket) return undefined;
  return { ...row, ticket, revision: identity(row.revision) ?? '' };
}

/** Reads `GET /tickets/{n}`: one ticket object. */
export function parseTicket(body: unknown): Ticket {
  const ticket = normalizeTicketRow(body);
  if (!ticket) throw new UpstreamBadResponseError('Bluestakes getTicket answered without a ticket object');
  return ticket;
}

/** Reads `GET /tickets/{n}/responses`: `{responses: [...]}` or an array whose first element holds it. */
export function parseTicketResponses(body: unknown): TicketResponse[] {
  const holder: unknown = Array.isArray(body) ? body[0] : body;
  if (Array.isArray(body) && body.length === 0) return [];
  if (!isRecord(holder) || !Array.isArray(holder.responses)) {
    throw new UpstreamBadResponseError('Bluestakes getTicketResponses answered without a responses array');
  }
  const responses: TicketResponse[] = [];
  for (const item of holder.responses) {
    if (!isRecord(item)) {
      throw new UpstreamBadResponseError(
        'Bluestakes getTicketResponses sent a response that is not an object',
      );
    }
    responses.push(item);
  }
  return responses;
}

const SECONDARY_FLAGS = ['cancel', 'comment', 'remark', 'retransmit', 'secondNotice', 'update'] as const;

/**
 * Reads `GET /tickets/{n}/secondary-functions`. A missing flag means "not allowed" (the safe reading
 * for `update`); a flag of another type means the shape changed, which is an error, not a `false`.
 */
export function parseSecondaryFunctions(body: unknown): SecondaryFunctions {
  if (!isRecord(body)) {
    throw new UpstreamBadResponseError('Bluestakes getSecondaryFunctions answered without an object');
  }
  const result: SecondaryFunctions = {
    ticket: identity(body.ticket) ?? '',
    revision: identity(body.revision) ?? '',
    cancel: false,
    comment: false,
    remark: false,
    retransmit: false,
    secondNotice: false,
    update: false,
  };
  for (const flag of SECONDARY_FLAGS) {
    const value = body[flag];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') {
      throw new UpstreamBadResponseError(`Bluestakes getSecondaryFunctions sent a non-boolean "${flag}"`);
    }
    result[flag] = value;
  }
  return result;
}
