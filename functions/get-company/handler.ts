/** `GET /companies/{company_id}`: handler -> company registry -> store. */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';

/** The company with its token state (never the token). */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const company = await getDefaultCompanyRegistry().getCompany(pathCompanyId(event));
  return jsonResponse(200, { success: true, ...company });
};

export const handler = httpHandler(lambdaHandler);
