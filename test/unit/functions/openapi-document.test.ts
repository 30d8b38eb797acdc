import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../../functions/http-routes';
import {
  createCompanyBodySchema,
  storeCredentialsBodySchema,
  testCredentialsBodySchema,
  updateCompanyBodySchema,
} from '../../../functions/shared';
import { loadOpenApi, type SchemaObject } from './support/openapi';

const doc = loadOpenApi();

function record(value: unknown): Record<string, unknown> {
  expect(value).toBeTypeOf('object');
  return value as Record<string, unknown>;
}

function resolveRef(value: unknown): Record<string, unknown> {
  const ref = record(value).$ref;
  if (typeof ref !== 'string') return record(value);
  return record(
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => record(node)[key], doc.raw),
  );
}

describe('openapi.yaml', () => {
  it('is OpenAPI 3.0 with an x-api-key header scheme', () => {
    expect(String(doc.raw.openapi)).toMatch(/^3\.0\./);
    const schemes = record(record(doc.raw.components).securitySchemes);
    expect(schemes.ApiKey).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
  });

  it.each(HTTP_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'requires the API key on %s',
    (_name, route) => {
      expect(doc.operation(route.method, route.path).security).toEqual([{ ApiKey: [] }]);
    },
  );

  it.each(HTTP_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'documents every path parameter of %s as a required string with a schema',
    (_name, route) => {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const parameters = ((doc.operation(route.method, route.path).parameters ?? []) as unknown[])
        .map(resolveRef)
        .filter((parameter) => parameter.in !== 'query');
      expect(parameters.map((p) => p.name)).toEqual(names);
      for (const parameter of parameters) {
        expect(parameter).toMatchObject({ in: 'path', required: true, schema: { type: 'string' } });
      }
    },
  );

  it.each(HTTP_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'documents a success status and the error shape for %s',
    (_name, route) => {
      const responses = record(doc.operation(route.method, route.path).responses);
      const success = Object.keys(responses).find((status) => /^2\d\d$/.test(status));
      expect(success).toBeDefined();
      const ok = doc.responseSchema(route.method, route.path, Number(success));
      expect(
        doc.validate({ success: false, error: { code: 'INVALID_INPUT', message: 'x' } }, ok),
      ).not.toEqual([]);
      const error = doc.responseSchema(route.method, route.path, 400);
      expect(doc.validate({ success: false, error: { code: 'INVALID_INPUT', message: 'x' } }, error)).toEqual(
        [],
      );
      expect(doc.validate({ success: false, error: { code: 'MADE_UP', message: 'x' } }, error)).not.toEqual(
        [],
      );
    },
  );

  const bodyArbitrary = fc.record(
    {
      username: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
      password: fc.oneof(fc.string({ maxLength: 1100 }), fc.boolean()),
      verify: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
      extra: fc.string({ maxLength: 5 }),
    },
    { requiredKeys: [] },
  );

  const companyBodyArbitrary = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 210 }), fc.constantFrom(' ', ' a ', '\t'), fc.integer()),
      token_ttl_seconds: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double(), fc.constant(null)),
      enabled: fc.oneof(fc.boolean(), fc.constant('yes')),
      extra: fc.string({ maxLength: 5 }),
    },
    { requiredKeys: [] },
  );

  it.each([
    ['POST', '/companies', createCompanyBodySchema],
    ['PATCH', '/companies/{company_id}', updateCompanyBodySchema],
  ] as const)('describes the same %s %s bodies the handler accepts', (method, path, zodSchema) => {
    const schema: SchemaObject = doc.requestSchema(method, path);
    fc.assert(
      fc.property(companyBodyArbitrary, (body) => {
        const byOpenApi = doc.validate(body, schema).length === 0;
        expect(zodSchema.safeParse(body).success).toBe(byOpenApi);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['POST', '/tokens/credentials/test', testCredentialsBodySchema],
    ['POST', '/tokens/credentials/{company_id}', storeCredentialsBodySchema],
  ] as const)('describes the same %s %s bodies the handler accepts', (method, path, zodSchema) => {
    const schema: SchemaObject = doc.requestSchema(method, path);
    fc.assert(
      fc.property(bodyArbitrary, (body) => {
        const byOpenApi = doc.validate(body, schema).length === 0;
        expect(zodSchema.safeParse(body).success).toBe(byOpenApi);
      }),
      { numRuns: 500 },
    );
  });
});
