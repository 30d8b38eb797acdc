/** `DELETE /tokens/credentials/{company_id}`: handler -> company registry -> Secrets Manager and store. */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';

/**
 * Deletes the company's credentials secret (at once, no recovery window) and its token. Logins then
 * fail with CREDENTIALS_NOT_FOUND until new credentials are stored. Deleting twice is not an error.
 */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const deletion = await getDefaultCompanyRegistry().deleteCredentials(pathCompanyId(event));
  return jsonResponse(200, { success: true, ...deletion });
};

export const handler = httpHandler(lambdaHandler);
