/** `POST /companies`: handler -> company registry -> store (and Secrets Manager, for a stale secret). */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import {
  createCompanyBodySchema,
  type HttpLambdaHandler,
  httpHandler,
  jsonResponse,
  parseJsonBody,
} from '../shared';

/** Creates an enabled company without credentials; 201 with its `id`. Store credentials next. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const body = parseJsonBody(event, createCompanyBodySchema);
  const company = await getDefaultCompanyRegistry().createCompany({
    name: body.name,
    tokenTtlSeconds: body.token_ttl_seconds ?? null,
  });
  return jsonResponse(201, { success: true, ...company });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
