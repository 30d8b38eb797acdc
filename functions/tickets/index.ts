/**
 * The ticket consumers: sync, location lookup and updateable tickets, built on the token-manager
 * layer (its public API, plus `/internal` for the Data API executor and config readers; not part of the
 * layer). Handlers -> these use cases -> the store and queue ports. Nothing here knows HTTP.
 */

export {
  readTicketsConfig,
  readTicketsDatabase,
  requireSyncQueueUrl,
  type TicketsConfig,
  ticketsConfig,
} from './config';
export { createDataApiSyncJobStore } from './data-api-sync-job-store';
export { createDataApiTicketRepository } from './data-api-ticket-repository';
export {
  enqueueTicketSyncs,
  getDefaultSyncJobStore,
  getDefaultSyncQueue,
  getDefaultTicketRepository,
  getDefaultTicketService,
  getTicketLocation,
  getTicketSyncStatus,
  listUpdatableTickets,
  processSyncRecords,
  setDefaultSyncJobStore,
  setDefaultSyncQueue,
  setDefaultTicketRepository,
  syncCompanyTickets,
} from './defaults';
export {
  createInMemorySyncQueue,
  type DeadLetter,
  type InMemorySyncQueue,
  type InMemorySyncQueueOptions,
} from './in-memory-sync-queue';
export { formatTicketLocation, meaningfulText, parseWorkArea, type TicketLocationFields } from './location';
export { type LocationLookupDependencies, lookUpTicketLocation } from './location-lookup';
export {
  parseTicketNumber,
  queryCompanyId,
  type SyncRequestBody,
  syncRequestBodySchema,
} from './request-input';
export { revisionNumber, selectLatestRevisions, storedRevision } from './revisions';
export {
  createSqsSyncQueue,
  delaySecondsFor,
  SQS_BATCH_SIZE,
  type SqsSyncQueueOptions,
} from './sqs-sync-queue';
export { describeError } from './sync-failures';
export {
  createSyncJobRunner,
  type SyncJobDependencies,
  type SyncJobRunner,
  type SyncRunOptions,
  UPDATE_WINDOW_MS,
} from './sync-job';
export type {
  FoundTicket,
  PendingTicket,
  SyncJob,
  SyncJobCounters,
  SyncJobRequest,
  SyncJobState,
  SyncJobStep,
  SyncJobStore,
  SyncRun,
} from './sync-job-store';
export {
  DEFAULT_DAYS_BACK,
  MAX_DAYS_BACK,
  MAX_DELAY_MS,
  type ParsedSyncMessage,
  parseTicketSyncMessage,
  type SyncQueue,
  SyncQueueError,
  type TicketSyncMessage,
} from './sync-queue';
export type {
  ProcessSyncRecordsResult,
  SyncQueueRecord,
  SyncWorkerDependencies,
} from './sync-worker';
export {
  type DependencyUnavailableCode,
  DependencyUnavailableError,
  type NotFoundCode,
  NotFoundError,
} from './ticket-errors';
export { parseTicketDate, type TicketRecord, toTicketRecord } from './ticket-record';
export type {
  StoredTicketLocation,
  TicketRepository,
  UpdatableTicket,
  UpdateCandidate,
  UpsertOptions,
  UpsertOutcome,
} from './ticket-repository';
export {
  createTicketService,
  type SyncOptions,
  type TicketService,
  type TicketServiceDependencies,
} from './ticket-service';
export {
  listUpdatableTicketViews,
  type TicketLocation,
  type TicketSyncStatus,
  toLocationView,
  toSyncStatus,
  type UpdatableTicketView,
} from './ticket-views';
export { TICKET_SYNC_WORKER_TIMEOUT_SECONDS } from './worker-timing';
