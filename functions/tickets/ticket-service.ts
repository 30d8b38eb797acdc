import { InvalidInputError, type LogSink, type TokenManager } from '@bluestakes/token-manager';
import { parseCompanyId, powertoolsLogSink } from '@bluestakes/token-manager/internal';
import { lookUpTicketLocation } from './location-lookup';
import { createSyncJobRunner } from './sync-job';
import type { SyncJobStore } from './sync-job-store';
import { DEFAULT_DAYS_BACK, MAX_DAYS_BACK, type SyncQueue, type TicketSyncMessage } from './sync-queue';
import { type ProcessSyncRecordsResult, processSyncRecords, type SyncQueueRecord } from './sync-worker';
import { NotFoundError } from './ticket-errors';
import type { TicketRepository } from './ticket-repository';
import {
  listUpdatableTicketViews,
  type TicketLocation,
  type TicketSyncStatus,
  toSyncStatus,
  type UpdatableTicketView,
} from './ticket-views';

/** What the ticket service is built from; clients and clocks are injected so tests pass fakes. */
export interface TicketServiceDependencies {
  /** The layer's token manager (only `makeAuthenticatedRequest` is used). */
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
  readonly repository: TicketRepository;
  readonly jobs: SyncJobStore;
  /** Carries first runs and continuations of sync jobs. */
  readonly queue: SyncQueue;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default the service's Powertools logger */
  readonly log?: LogSink;
  /** Attempts per upstream call when Bluestakes or the database is down. @default 4 */
  readonly attemptsPerCall?: number;
  /** Tickets fetched at once within one run. @default 4 */
  readonly concurrency?: number;
  /** Search rows per page. @default 100 */
  readonly pageSize?: number;
}

/** Options of an inline sync. */
export interface SyncOptions {
  /** Days back from the job's start to search (a new job only; a live job keeps its own). @default 28 */
  readonly daysBack?: number;
  /** The moment the job searches up to and judges expiry by. @default now */
  readonly now?: Date;
  /** Epoch ms after which no upstream call starts; the job then continues through the queue. */
  readonly deadline?: number;
}

/** The ticket consumers' use cases. */
export interface TicketService {
  /**
   * Starts the company's sync job (or joins its live one) and runs it here until it is done or the
   * deadline comes; then the job carries on through the queue by itself.
   *
   * @throws CompanyNotFoundError, CredentialsNotFoundError
   */
  syncCompanyTickets(companyId: string | number, options?: SyncOptions): Promise<TicketSyncStatus>;
  /**
   * Starts (or joins) the sync job of one company, or of every company with credentials stored, and
   * sends one message per job that needs one. A live job is joined, never doubled.
   */
  enqueueTicketSyncs(request: {
    readonly companyId?: string | number;
    readonly daysBack?: number;
  }): Promise<{ readonly enqueued: number; readonly joined: number }>;
  /** @throws NotFoundError (SYNC_NOT_FOUND) when the company never had a sync job */
  getTicketSyncStatus(companyId: string | number): Promise<TicketSyncStatus>;
  /** The stored location while fresh, else fetched and stored; stored and `stale` when Bluestakes cannot be asked now. */
  getTicketLocation(
    companyId: string | number,
    ticketNumber: string,
    options: { readonly maxAgeSeconds: number },
  ): Promise<TicketLocation>;
  /** @throws CompanyNotFoundError when the company does not exist */
  listUpdatableTickets(companyId: string | number): Promise<UpdatableTicketView[]>;
  /** The queue worker: one job run per message; only poison messages and real faults are failed. */
  processSyncRecords(
    records: readonly SyncQueueRecord[],
    options?: { readonly deadline?: number },
  ): Promise<ProcessSyncRecordsResult>;
}

function checkDaysBack(daysBack: number): number {
  if (!Number.isInteger(daysBack) || daysBack < 1 || daysBack > MAX_DAYS_BACK) {
    throw new InvalidInputError('days_back', `days_back must be a whole number from 1 to ${MAX_DAYS_BACK}`);
  }
  return daysBack;
}

/**
 * The ticket consumers' use cases over the layer's public API, the ticket and job stores and the queue.
 *
 * @param deps - see {@link TicketServiceDependencies}
 */
export function createTicketService(deps: TicketServiceDependencies): TicketService {
  const { tokens, repository, jobs, queue } = deps;
  const log = deps.log ?? powertoolsLogSink;
  const runner = createSyncJobRunner({
    tokens,
    jobs,
    repository,
    queue,
    log,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...(deps.attemptsPerCall === undefined ? {} : { attemptsPerCall: deps.attemptsPerCall }),
    ...(deps.concurrency === undefined ? {} : { concurrency: deps.concurrency }),
    ...(deps.pageSize === undefined ? {} : { pageSize: deps.pageSize }),
  });

  return {
    async syncCompanyTickets(companyIdInput, options = {}) {
      const companyId = parseCompanyId(companyIdInput);
      const daysBack = checkDaysBack(options.daysBack ?? DEFAULT_DAYS_BACK);
      const request = await jobs.request(companyId, {
        daysBack,
        ...(options.now === undefined ? {} : { windowEnd: options.now }),
      });
      const job = await runner.run(companyId, {
        ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      const current = job ?? request.job;
      if (request.needsMessage && current.state === 'queued') {
        // Held by nothing here (another run's lease just ended): the queue takes it from here.
        await queue.enqueue([{ company_id: companyId, days_back: current.daysBack }]);
      }
      return toSyncStatus(current);
    },

    async enqueueTicketSyncs(request) {
      const daysBack = checkDaysBack(request.daysBack ?? DEFAULT_DAYS_BACK);
      const companyIds =
        request.companyId === undefined
          ? await repository.listCompaniesWithCredentials()
          : [parseCompanyId(request.companyId)];
      const messages: TicketSyncMessage[] = [];
      for (const companyId of companyIds) {
        const { job, needsMessage } = await jobs.request(companyId, { daysBack });
        if (needsMessage) messages.push({ company_id: companyId, days_back: job.daysBack });
      }
      if (messages.length > 0) await queue.enqueue(messages);
      const result = { enqueued: messages.length, joined: companyIds.length - messages.length };
      log.info('Ticket syncs enqueued', { ...result, daysBack });
      return result;
    },

    async getTicketSyncStatus(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      const job = await jobs.find(companyId);
      if (job === undefined) {
        throw new NotFoundError(
          'SYNC_NOT_FOUND',
          `No ticket sync was ever requested for company ${companyId}`,
        );
      }
      return toSyncStatus(job);
    },

    getTicketLocation(companyIdInput, ticketNumber, { maxAgeSeconds }) {
      return lookUpTicketLocation(
        { tokens, repository, ...(deps.clock === undefined ? {} : { clock: deps.clock }) },
        { companyId: parseCompanyId(companyIdInput), ticketNumber: ticketNumber.trim(), maxAgeSeconds },
      );
    },

    listUpdatableTickets(companyIdInput) {
      return listUpdatableTicketViews(repository, parseCompanyId(companyIdInput));
    },

    processSyncRecords(records, options = {}) {
      return processSyncRecords(
        { runner, jobs, queue, log, ...(deps.clock === undefined ? {} : { clock: deps.clock }) },
        records,
        options,
      );
    },
  };
}
