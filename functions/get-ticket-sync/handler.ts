/** `GET /tickets/sync/{company_id}`: handler -> ticket service -> the job store. */
import { type HttpLambdaHandler, httpHandler, jsonResponse, pathCompanyId } from '../shared';
import { getTicketSyncStatus } from '../tickets';

/** The company's sync job: its state and progress. 404 when no sync was ever requested for it. */
export const lambdaHandler: HttpLambdaHandler = async (event) => {
  const status = await getTicketSyncStatus(pathCompanyId(event));
  return jsonResponse(200, { success: true, ...status });
};

export const handler = httpHandler(lambdaHandler);
