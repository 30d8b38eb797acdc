import { z } from 'zod';
import type { SimulatorFault, SimulatorSwitches, SimulatorSwitchesPatch } from './types';

export const DEFAULT_SWITCHES: SimulatorSwitches = {
  tokenLifetimeSeconds: 3600,
  revokeOnNewLogin: false,
  reuseTokenWithinMs: 0,
  rejectWith: 401,
  foreignTicketStatus: 404,
  rateLimit: null,
  latencyMs: 0,
  isoDates: 'accept',
  searchShape: 'object',
  statsWindowMs: 1000,
};

/** A switch or fault the simulator cannot honour; the admin route answers it with 400. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
}

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();

const latencySchema = z.union([
  nonNegative,
  z
    .strictObject({ min: nonNegative, max: nonNegative })
    .refine((range) => range.min <= range.max, { message: 'latencyMs.min must not exceed latencyMs.max' }),
]);

const rateLimitSchema = z.strictObject({
  limit: z.number().int().positive(),
  windowMs: positive,
  scope: z.enum(['account', 'global']).default('account'),
  countLogins: z.boolean().default(true),
  sendRetryAfter: z.boolean().default(true),
  retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
});

const patchSchema = z.strictObject({
  tokenLifetimeSeconds: positive.optional(),
  revokeOnNewLogin: z.boolean().optional(),
  reuseTokenWithinMs: nonNegative.optional(),
  rejectWith: z.union([z.literal(401), z.literal(403)]).optional(),
  foreignTicketStatus: z.union([z.literal(403), z.literal(404)]).optional(),
  rateLimit: rateLimitSchema.nullable().optional(),
  latencyMs: latencySchema.optional(),
  isoDates: z.enum(['accept', 'reject', 'ignore']).optional(),
  searchShape: z.enum(['object', 'array-wrapped', 'plain-array']).optional(),
  statsWindowMs: positive.optional(),
});

const faultTail = {
  count: z.number().int().positive().optional(),
  fraction: z.number().gt(0).lte(1).optional(),
  target: z.enum(['any', 'login', 'tickets']).optional(),
};

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    ...faultTail,
  }),
  z.strictObject({ kind: z.literal('hang'), ...faultTail }),
  z.strictObject({ kind: z.literal('drop'), ...faultTail }),
]);

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new SimulatorConfigError(`Invalid ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Only the keys present in the patch change; `rateLimit: null` removes the limit. */
export function applySwitches(current: SimulatorSwitches, patch: unknown): SimulatorSwitches {
  const parsed = parseOrThrow(patchSchema, patch, 'simulator switches');
  const present = Object.entries(parsed).filter(([, value]) => value !== undefined);
  return { ...current, ...(Object.fromEntries(present) as Partial<SimulatorSwitches>) };
}

export function parseFault(input: unknown): SimulatorFault {
  return parseOrThrow(faultSchema, input, 'fault');
}

/** Picks the switch keys out of the start options, leaving the rest (host, accounts, ...) alone. */
export function switchesFromOptions(options: Record<string, unknown>): SimulatorSwitchesPatch {
  const keys = Object.keys(DEFAULT_SWITCHES);
  return Object.fromEntries(Object.entries(options).filter(([key]) => keys.includes(key)));
}
