/** `DELETE /tokens/{company_id}`: handler -> token manager -> store. */
import { CompanyNotFoundError, getDefaultTokenManager } from '@bluestakes/token-manager';
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';

/** Clears the company's token fleet-wide; other containers drop it within the L1 staleness bound. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const companyId = pathCompanyId(event);
  const cleared = await getDefaultTokenManager().clearToken(companyId);
  // The library answers false only for an unknown company (a database failure throws instead),
  // so unlike the original a 404 here never hides an outage.
  if (!cleared) throw new CompanyNotFoundError(companyId);
  return jsonResponse(200, {
    success: true,
    message: `Token cleared for company ${companyId}`,
    company_id: companyId,
  });
};

export const handler = httpHandler(lambdaHandler);
