/** `PATCH /companies/{company_id}`: handler -> company registry -> store. */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import {
  type HttpLambdaHandler,
  httpHandler,
  jsonResponse,
  parseJsonBody,
  pathCompanyId,
  updateCompanyBodySchema,
} from '../shared';

/**
 * Renames, sets the token lifetime (null: the service default; applies from the next login) or
 * enables/disables. Disabling clears the token: no logins, tokens or syncs until enabled again.
 */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const companyId = pathCompanyId(event);
  const body = parseJsonBody(event, updateCompanyBodySchema);
  const company = await getDefaultCompanyRegistry().updateCompany(companyId, {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.token_ttl_seconds === undefined ? {} : { tokenTtlSeconds: body.token_ttl_seconds }),
    ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
  });
  return jsonResponse(200, { success: true, ...company });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
