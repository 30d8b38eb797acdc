import {
  MAX_COMPANY_NAME_LENGTH,
  MAX_COMPANY_TOKEN_TTL_SECONDS,
  MIN_COMPANY_TOKEN_TTL_SECONDS,
} from '@bluestakes/token-manager/internal';
import * as z from 'zod/mini';

const NOT_AN_OBJECT = 'The body must be a JSON object';

const companyName = (typeError: string) =>
  z.string({ error: typeError }).check(
    z.refine((value) => value.trim() !== '', { error: 'name must not be empty' }),
    z.maxLength(MAX_COMPANY_NAME_LENGTH, {
      error: `name must be at most ${MAX_COMPANY_NAME_LENGTH} characters`,
    }),
  );

const TTL_MESSAGE = `token_ttl_seconds must be null or a whole number from ${MIN_COMPANY_TOKEN_TTL_SECONDS} to ${MAX_COMPANY_TOKEN_TTL_SECONDS}`;
const tokenTtlSeconds = z.nullable(
  z
    .number({ error: TTL_MESSAGE })
    .check(
      z.int({ error: TTL_MESSAGE }),
      z.gte(MIN_COMPANY_TOKEN_TTL_SECONDS, { error: TTL_MESSAGE }),
      z.lte(MAX_COMPANY_TOKEN_TTL_SECONDS, { error: TTL_MESSAGE }),
    ),
);

/** `POST /companies`: `{name, token_ttl_seconds?}`, nothing else. */
export const createCompanyBodySchema = z.strictObject(
  {
    name: companyName('name is required and must be a string'),
    token_ttl_seconds: z.optional(tokenTtlSeconds),
  },
  { error: NOT_AN_OBJECT },
);

/** `PATCH /companies/{company_id}`: any of `{name, token_ttl_seconds, enabled}`, nothing else. */
export const updateCompanyBodySchema = z.strictObject(
  {
    name: z.optional(companyName('name must be a string')),
    token_ttl_seconds: z.optional(tokenTtlSeconds),
    enabled: z.optional(z.boolean({ error: 'enabled must be true or false' })),
  },
  { error: NOT_AN_OBJECT },
);

export type CreateCompanyBody = z.infer<typeof createCompanyBodySchema>;
export type UpdateCompanyBody = z.infer<typeof updateCompanyBodySchema>;
