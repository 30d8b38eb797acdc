import { createDataApiExecutor, getDefaultTokenManager } from '@bluestakes/token-manager';
import { readTicketsDatabase, requireSyncQueueUrl, ticketsConfig } from './config';
import { createDataApiTicketRepository } from './data-api-ticket-repository';
import { createSqsSyncQueue } from './sqs-sync-queue';
import type { SyncQueue } from './sync-queue';
import type { TicketRepository } from './ticket-repository';
import { createTicketService, type TicketService } from './ticket-service';

let defaultQueue: SyncQueue | undefined;
let defaultRepository: TicketRepository | undefined;

/** The container's sync queue: SQS at `TICKET_SYNC_QUEUE_URL`, built on first use. */
export function getDefaultSyncQueue(): SyncQueue {
  defaultQueue ??= createSqsSyncQueue({ queueUrl: requireSyncQueueUrl(ticketsConfig()) });
  return defaultQueue;
}

/** Replaces the default queue (the local stack's in-memory queue, tests); undefined restores SQS. */
export function setDefaultSyncQueue(queue: SyncQueue | undefined): void {
  defaultQueue = queue;
}

/** The container's ticket store over the Data API, built on first use from the layer's database settings. */
export function getDefaultTicketRepository(): TicketRepository {
  if (defaultRepository === undefined) {
    const database = readTicketsDatabase(process.env);
    defaultRepository = createDataApiTicketRepository(
      createDataApiExecutor({ ...database, retryBudgetMs: database.resumeRetryBudgetMs }),
    );
  }
  return defaultRepository;
}

/** Replaces the default ticket store (tests, the local stack); undefined restores the Data API one. */
export function setDefaultTicketRepository(repository: TicketRepository | undefined): void {
  defaultRepository = repository;
}

/**
 * The ticket service over the defaults: the layer's default token manager, the default store and
 * queue. Built per call (it is a handful of closures) so a replaced default takes effect at once; the
 * queue is resolved only when something is enqueued, so functions that never enqueue need no queue URL.
 */
export function getDefaultTicketService(): TicketService {
  return createTicketService({
    tokens: getDefaultTokenManager(),
    repository: getDefaultTicketRepository(),
    queue: { enqueue: (messages) => getDefaultSyncQueue().enqueue(messages) },
    concurrency: ticketsConfig().syncConcurrency,
  });
}

type Method<K extends keyof TicketService> = TicketService[K];

/** {@link TicketService.syncCompanyTickets} over the defaults. */
export const syncCompanyTickets: Method<'syncCompanyTickets'> = (companyId, options) =>
  getDefaultTicketService().syncCompanyTickets(companyId, options);
/** {@link TicketService.getTicketLocation} over the defaults. */
export const getTicketLocation: Method<'getTicketLocation'> = (companyId, ticketNumber, options) =>
  getDefaultTicketService().getTicketLocation(companyId, ticketNumber, options);
/** {@link TicketService.listUpdatableTickets} over the defaults. */
export const listUpdatableTickets: Method<'listUpdatableTickets'> = (companyId) =>
  getDefaultTicketService().listUpdatableTickets(companyId);
/** {@link TicketService.enqueueTicketSyncs} over the defaults. */
export const enqueueTicketSyncs: Method<'enqueueTicketSyncs'> = (request) =>
  getDefaultTicketService().enqueueTicketSyncs(request);
/** {@link TicketService.processSyncRecords} over the defaults. */
export const processSyncRecords: Method<'processSyncRecords'> = (records, options) =>
  getDefaultTicketService().processSyncRecords(records, options);
