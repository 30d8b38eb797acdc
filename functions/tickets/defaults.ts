import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { createDataApiExecutor } from '@bluestakes/token-manager/internal';
import { readTicketsDatabase, requireSyncQueueUrl, ticketsConfig } from './config';
import { createDataApiSyncJobStore } from './data-api-sync-job-store';
import { createDataApiTicketRepository } from './data-api-ticket-repository';
import { createSqsSyncQueue } from './sqs-sync-queue';
import type { SyncJobStore } from './sync-job-store';
import type { SyncQueue } from './sync-queue';
import type { TicketRepository } from './ticket-repository';
import { createTicketService, type TicketService } from './ticket-service';

let defaultQueue: SyncQueue | undefined;
let defaultRepository: TicketRepository | undefined;
let defaultJobStore: SyncJobStore | undefined;

function defaultExecutor() {
  const database = readTicketsDatabase(process.env);
  return createDataApiExecutor({ ...database, retryBudgetMs: database.resumeRetryBudgetMs });
}

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
  defaultRepository ??= createDataApiTicketRepository(defaultExecutor());
  return defaultRepository;
}

/** Replaces the default ticket store (tests, the local stack); undefined restores the Data API one. */
export function setDefaultTicketRepository(repository: TicketRepository | undefined): void {
  defaultRepository = repository;
}

/** The container's sync job store over the Data API, built on first use. */
export function getDefaultSyncJobStore(): SyncJobStore {
  defaultJobStore ??= createDataApiSyncJobStore(defaultExecutor());
  return defaultJobStore;
}

/** Replaces the default job store (tests); undefined restores the Data API one. */
export function setDefaultSyncJobStore(store: SyncJobStore | undefined): void {
  defaultJobStore = store;
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
    jobs: getDefaultSyncJobStore(),
    queue: { enqueue: (messages, options) => getDefaultSyncQueue().enqueue(messages, options) },
    concurrency: ticketsConfig().syncConcurrency,
  });
}

type Method<K extends keyof TicketService> = TicketService[K];

/** {@link TicketService.syncCompanyTickets} over the defaults. */
export const syncCompanyTickets: Method<'syncCompanyTickets'> = (companyId, options) =>
  getDefaultTicketService().syncCompanyTickets(companyId, options);
/** {@link TicketService.getTicketSyncStatus} over the defaults. */
export const getTicketSyncStatus: Method<'getTicketSyncStatus'> = (companyId) =>
  getDefaultTicketService().getTicketSyncStatus(companyId);
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
