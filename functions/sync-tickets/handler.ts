/** `POST /tickets/sync`: handler -> ticket service -> the sync job (one company, inline first) or the queue (all). */
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
 * With `company_id`: starts (or joins) the company's sync job and runs it here within the request's
 * time. 200 with the result when it finished; otherwise 202 with its progress and a `Location` to
 * poll, while the job carries on through the queue. A busy upstream budget is never an error.
 * Without: starts or joins a job per company with credentials stored; 202 with how many.
 */
export const lambdaHandler: HttpLambdaHandler = async (event, context) => {
  const body = readBody(event);
  const config = ticketsConfig();
  const daysBack = body.days_back ?? config.defaultDaysBack;
  if (body.company_id === undefined) {
    const result = await enqueueTicketSyncs({ daysBack });
    return jsonResponse(202, { success: true, ...result });
  }
  // A call the limiter admits may still wait up to its own maximum before it starts: keep that back.
  const budgetMs = Math.min(
    config.httpSyncBudgetMs,
    context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS - config.upstreamMaxWaitMs,
  );
  const status = await syncCompanyTickets(body.company_id, {
    daysBack,
    deadline: Date.now() + Math.max(0, budgetMs),
  });
  if (status.complete) return jsonResponse(200, { success: true, ...status });
  return jsonResponse(202, { success: true, ...status }, { location: `/tickets/sync/${status.company_id}` });
};

export const handler = httpHandler(lambdaHandler, { jsonBody: true });
