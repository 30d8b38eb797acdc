/** `POST /tokens/credentials/test`: handler -> token manager -> Bluestakes login. */
import { CredentialsRejectedError, getDefaultTokenManager } from '@bluestakes/token-manager';
import {
  type HttpLambdaHandler,
  httpHandler,
  jsonResponse,
  parseJsonBody,
  testCredentialsBodySchema,
} from '../shared';

/**
 * Tries a login with the credentials and stores nothing. Rejected credentials answer 422
 * CREDENTIALS_REJECTED (not the original's 200 with `success: false`), so a caller can tell by the
 * status alone, and a 401 is left to mean the caller's own authentication.
 */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const credentials = parseJsonBody(event, testCredentialsBodySchema);
  const data = await getDefaultTokenManager().testCredentials(credentials);
  if (!data.credentials_valid) throw new CredentialsRejectedError();
  return jsonResponse(200, { success: true, message: 'Credentials are valid', data });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
