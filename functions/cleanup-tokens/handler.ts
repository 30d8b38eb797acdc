/** `POST /tokens/cleanup`: handler -> token manager -> store. */
import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { type HttpLambdaHandler, httpHandler, jsonResponse } from '../shared';

/** Runs the scheduled cleanup now and reports what it removed. */
export const lambdaHandler: HttpLambdaHandler = async () => {
  const report = await getDefaultTokenManager().cleanupExpiredTokens();
  const noun = report.tokens_cleaned === 1 ? 'token' : 'tokens';
  return jsonResponse(200, {
    success: true,
    message: `Removed ${report.tokens_cleaned} expired ${noun}`,
    ...report,
  });
};

export const handler = httpHandler(lambdaHandler);
