/** `GET /tickets/updatable?company_id=`: handler -> ticket service -> store. */
import { type HttpLambdaHandler, httpHandler, jsonResponse } from '../shared';
import { listUpdatableTickets, queryCompanyId } from '../tickets';

/** The company's tickets Bluestakes said may be updated now, soonest deadline first. 404: no such company. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const companyId = queryCompanyId(event.queryStringParameters);
  const tickets = await listUpdatableTickets(companyId);
  return jsonResponse(200, { success: true, company_id: companyId, count: tickets.length, tickets });
};

export const handler = httpHandler(lambdaHandler);
