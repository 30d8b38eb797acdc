/** `GET /tickets/{ticket}/location?company_id=`: handler -> ticket service -> store, else the layer. */
import { type HttpLambdaHandler, httpHandler, jsonResponse } from '../shared';
import { getTicketLocation, parseTicketNumber, queryCompanyId, ticketsConfig } from '../tickets';

/**
 * The ticket's location as one line of text plus its work-area GeoJSON: from the store when synced
 * within `TICKET_LOCATION_MAX_AGE_SECONDS`, else fetched from Bluestakes and stored. 404 when
 * Bluestakes does not know the ticket for this company.
 */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const ticket = parseTicketNumber(event.pathParameters?.ticket);
  const companyId = queryCompanyId(event.queryStringParameters);
  const location = await getTicketLocation(companyId, ticket, {
    maxAgeSeconds: ticketsConfig().locationMaxAgeSeconds,
  });
  return jsonResponse(200, { success: true, ...location });
};

export const handler = httpHandler(lambdaHandler);
