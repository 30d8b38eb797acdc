import * as z from 'zod/mini';

/** The bounds the library enforces too; checked here so oversized values never reach it. */
export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 1024;

const username = z
  .string({ error: 'username is required and must be a string' })
  .check(
    z.minLength(1, { error: 'username must not be empty' }),
    z.maxLength(MAX_USERNAME_LENGTH, { error: `username must be at most ${MAX_USERNAME_LENGTH} characters` }),
  );

const password = z
  .string({ error: 'password is required and must be a string' })
  .check(
    z.minLength(1, { error: 'password must not be empty' }),
    z.maxLength(MAX_PASSWORD_LENGTH, { error: `password must be at most ${MAX_PASSWORD_LENGTH} characters` }),
  );

const NOT_AN_OBJECT = 'The body must be a JSON object';

/** `POST /tokens/credentials/test`: `{username, password}`, nothing else. */
export const testCredentialsBodySchema = z.strictObject({ username, password }, { error: NOT_AN_OBJECT });

/** `POST /tokens/credentials/{company_id}`: `{username, password, verify?}`, nothing else. */
export const storeCredentialsBodySchema = z.strictObject(
  {
    username,
    password,
    verify: z.optional(z.boolean({ error: 'verify must be true or false' })),
  },
  { error: NOT_AN_OBJECT },
);

export type TestCredentialsBody = z.infer<typeof testCredentialsBodySchema>;
export type StoreCredentialsBody = z.infer<typeof storeCredentialsBodySchema>;
