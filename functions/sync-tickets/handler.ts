/** `POST /tickets/sync`: handler -> ticket service -> the layer (one company, inline) or the sync queue (all). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type HttpLambdaHandler, httpHandler, jsonResponse, parseJsonBody } from '../shared';
import {
  enqueueTicketSyncs,
  type SyncRequestBody,
  syncCompanyTickets,
  syncRequestBodySchema,
  ticketsConfig,
} from '../tickets';

/** Time kept back from the Lambda deadline for writing the response. */
const RESPONSE_RESERVE_MS = 2000;

/** No body at all means "every company" (`curl -X POST .../tickets/sync`); a body must be valid JSON. */
function readBody(event: APIGatewayProxyEvent): SyncRequestBody {
  return event.body === null || event.body === '' ? {} : parseJsonBody(event, syncRequestBodySchema);
}

/**
 * With `company_id`: syncs that company now, within a time budget, and answers 200 with the counts
 * (`complete: false` when the budget ran out; the next run carries on). Without: enqueues one sync
 * per company with credentials stored and answers 202 with how many.
 */
export const lambdaHandler: HttpLambdaHandler = async (event, context) => {
  const body = readBody(event);
  const config = ticketsConfig();
  const daysBack = body.days_back ?? config.defaultDaysBack;
  if (body.company_id === undefined) {
    const { enqueued } = await enqueueTicketSyncs({ daysBack });
    return jsonResponse(202, { success: true, enqueued });
  }
  const budgetMs = Math.min(
    config.httpSyncBudgetMs,
    context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS,
  );
  const result = await syncCompanyTickets(body.company_id, { daysBack, deadline: Date.now() + budgetMs });
  return jsonResponse(200, { success: true, ...result });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
