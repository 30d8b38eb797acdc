import { parseCompanyId } from '@bluestakes/token-manager/internal';
import * as z from 'zod/mini';
import { DependencyUnavailableError } from './ticket-errors';

/** Days of tickets a sync searches when nothing else is asked (the original clients used 28). */
export const DEFAULT_DAYS_BACK = 28;
/** The longest search window a sync accepts, in days. */
export const MAX_DAYS_BACK = 365;

/** The longest delay a queue message can carry (SQS `DelaySeconds` 900); longer waits are chained. */
export const MAX_DELAY_MS = 900_000;

/** One company to sync: the body of one queue message (JSON, snake_case like the HTTP API). */
export interface TicketSyncMessage {
  readonly company_id: string;
  readonly days_back: number;
  /** Set on a job's own continuation: the chain that owns the job's next run. */
  readonly wake?: string;
}

/** Where sync requests go to be worked off one company at a time. */
export interface SyncQueue {
  /**
   * Sends every message or throws; a partial send is retried before it throws. With `delayMs`
   * (up to {@link MAX_DELAY_MS}) the messages become visible only after that delay.
   */
  enqueue(
    messages: readonly TicketSyncMessage[],
    options?: { readonly delayMs?: number },
  ): Promise<{ readonly enqueued: number }>;
}

/** A queue that could not take every message. Not a client mistake: it surfaces as a 500. */
export class SyncQueueError extends DependencyUnavailableError {
  readonly failed: number;

  constructor(message: string, options: { failed: number; cause?: unknown }) {
    super('QUEUE_UNAVAILABLE', message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'SyncQueueError';
    this.failed = options.failed;
  }
}

const COMPANY_ID_MESSAGE = 'company_id must be a positive integer';
const DAYS_BACK_MESSAGE = `days_back must be a whole number from 1 to ${MAX_DAYS_BACK}`;

/** A positive integer or its decimal text; bigint ids beyond 2^53 only survive as text. */
export const companyIdInput = z.pipe(
  z.union(
    [
      z
        .number({ error: COMPANY_ID_MESSAGE })
        .check(
          z.int({ error: COMPANY_ID_MESSAGE }),
          z.positive({ error: COMPANY_ID_MESSAGE }),
          z.maximum(Number.MAX_SAFE_INTEGER, { error: 'company_id beyond 2^53 must be sent as a string' }),
        ),
      z.string({ error: COMPANY_ID_MESSAGE }).check(z.regex(/^\d{1,19}$/, { error: COMPANY_ID_MESSAGE })),
    ],
    { error: COMPANY_ID_MESSAGE },
  ),
  z.transform((value: number | string, payload) => {
    try {
      return parseCompanyId(value);
    } catch {
      // zod/mini's transform context has no addIssue(); this is the issue classic zod's addIssue pushed.
      payload.issues.push({ code: 'custom', message: COMPANY_ID_MESSAGE, input: value });
      return z.NEVER;
    }
  }),
);

/** `days_back`: whole days from 1 to {@link MAX_DAYS_BACK}. */
export const daysBackInput = z
  .number({ error: DAYS_BACK_MESSAGE })
  .check(
    z.int({ error: DAYS_BACK_MESSAGE }),
    z.minimum(1, { error: DAYS_BACK_MESSAGE }),
    z.maximum(MAX_DAYS_BACK, { error: DAYS_BACK_MESSAGE }),
  );

const messageSchema = z.strictObject(
  {
    company_id: companyIdInput,
    days_back: z._default(daysBackInput, DEFAULT_DAYS_BACK),
    wake: z.optional(
      z
        .string({ error: 'wake must be a string' })
        .check(z.regex(/^[\w-]{1,64}$/, { error: 'wake is malformed' })),
    ),
  },
  { error: 'The message must be a JSON object' },
);

/** A queue message body read: the message, or why it is poison. */
export type ParsedSyncMessage =
  | { readonly ok: true; readonly message: TicketSyncMessage }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads a queue message body. Anything else (not JSON, wrong shape, unknown fields) is a poison
 * message: the reason says what is wrong without repeating the body.
 *
 * @param body - the raw message body
 */
export function parseTicketSyncMessage(body: string): ParsedSyncMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const result = messageSchema.safeParse(parsed);
  if (!result.success) {
    const [issue] = result.error.issues;
    if (issue?.code === 'unrecognized_keys') return { ok: false, reason: 'the body has unknown fields' };
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: result.data };
}
