/** `GET /tokens/{company_id}/status`: handler -> token manager -> store. */
import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';

/** The company's token state (expiry, refresh, lease, hold); a fingerprint at most, never the token. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const status = await getDefaultTokenManager().getTokenStatus(pathCompanyId(event));
  return jsonResponse(200, { success: true, ...status });
};

export const handler = httpHandler(lambdaHandler);
