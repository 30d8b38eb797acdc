/**
 * The ticket consumers: sync, location lookup and updateable tickets, built on the token-manager
 * layer's public API (not part of the layer). Handlers -> these use cases -> the store and queue ports.
 */

export {
  readTicketsConfig,
  readTicketsDatabase,
  requireSyncQueueUrl,
  type TicketsConfig,
  ticketsConfig,
} from './config';
export { createDataApiTicketRepository } from './data-api-ticket-repository';
export {
  enqueueTicketSyncs,
  getDefaultSyncQueue,
  getDefaultTicketRepository,
  getDefaultTicketService,
  getTicketLocation,
  listUpdatableTickets,
  processSyncRecords,
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
export {
  parseTicketNumber,
  queryCompanyId,
  type SyncRequestBody,
  syncRequestBodySchema,
} from './request-input';
export { orderForFetch, revisionNumber, type StoredSyncState, selectLatestRevisions } from './revisions';
export { createSqsSyncQueue, SQS_BATCH_SIZE, type SqsSyncQueueOptions } from './sqs-sync-queue';
export {
  DEFAULT_DAYS_BACK,
  MAX_DAYS_BACK,
  type ParsedSyncMessage,
  parseTicketSyncMessage,
  type SyncQueue,
  SyncQueueError,
  type TicketSyncMessage,
} from './sync-queue';
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
  type ProcessSyncRecordsResult,
  type SyncOptions,
  type SyncQueueRecord,
  type SyncResult,
  type TicketLocation,
  type TicketService,
  type TicketServiceDependencies,
  UPDATE_WINDOW_MS,
  type UpdatableTicketView,
} from './ticket-service';
