/** `GET /tokens/stats`: handler -> token manager -> store. */
import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { type HttpLambdaHandler, httpHandler, jsonResponse } from '../shared';

/** Counts of cached tokens (the original four fields first) plus logins, failures and holds. */
export const lambdaHandler: HttpLambdaHandler = async () => {
  const stats = await getDefaultTokenManager().getTokenStats();
  return jsonResponse(200, { success: true, stats });
};

export const handler = httpHandler(lambdaHandler);
