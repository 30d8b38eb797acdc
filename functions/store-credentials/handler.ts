/**
 * `POST /tokens/credentials/{company_id}` (and its alias `POST /tickets/store-credentials/{company_id}`):
 * handler -> token manager -> Secrets Manager and store.
 */
import { getDefaultTokenManager } from '@bluestakes/token-manager';
import {
  type HttpLambdaHandler,
  httpHandler,
  jsonResponse,
  parseJsonBody,
  pathCompanyId,
  storeCredentialsBodySchema,
} from '../shared';

/**
 * Verifies the credentials by a login (unless `verify: false`), stores them and replaces the cached
 * token. Rejected credentials are a 422 and nothing is stored. The password never comes back.
 */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const companyId = pathCompanyId(event);
  const { username, password, verify = true } = parseJsonBody(event, storeCredentialsBodySchema);
  const data = await getDefaultTokenManager().storeCredentials(companyId, { username, password }, { verify });
  return jsonResponse(200, {
    success: true,
    message: data.credentials_tested
      ? 'Credentials verified and stored'
      : 'Credentials stored without verification',
    data,
  });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
