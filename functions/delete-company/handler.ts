/** `DELETE /companies/{company_id}`: handler -> company registry -> Secrets Manager and store. */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';

/** Removes a disabled company with its credentials secret and tickets; an enabled one is a 409. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const deletion = await getDefaultCompanyRegistry().deleteCompany(pathCompanyId(event));
  return jsonResponse(200, { success: true, ...deletion });
};

export const handler = httpHandler(lambdaHandler);
