/** `GET /companies`: handler -> company registry -> store. */
import { getDefaultCompanyRegistry } from '@bluestakes/token-manager/internal';
import { type HttpLambdaHandler, httpHandler, jsonResponse } from '../shared';

/** One page of companies in id order with each one's token state (never the token); `?limit=&cursor=`. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const query = event.queryStringParameters ?? {};
  const page = await getDefaultCompanyRegistry().listCompanies({ limit: query.limit, cursor: query.cursor });
  return jsonResponse(200, { success: true, ...page });
};

export const handler = httpHandler(lambdaHandler);
