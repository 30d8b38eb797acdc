import type { LogSink } from '@bluestakes/token-manager';
import { describeError } from './sync-failures';
import type { SyncJobRunner } from './sync-job';
import type { SyncJobStore } from './sync-job-store';
import { parseTicketSyncMessage, type SyncQueue } from './sync-queue';
import { type TicketSyncStatus, toSyncStatus } from './ticket-views';

/** One message of an SQS batch, stripped of the AWS event shape. */
export interface SyncQueueRecord {
  readonly messageId: string;
  readonly body: string;
}

/** What the queue worker reports for a batch. */
export interface ProcessSyncRecordsResult {
  /** Message ids to report back as failed: poison messages and real faults only. SQS redelivers them. */
  readonly failedMessageIds: string[];
  /** The jobs as the runs left them. */
  readonly results: TicketSyncStatus[];
}

/** What the worker is built from. */
export interface SyncWorkerDependencies {
  readonly runner: SyncJobRunner;
  readonly jobs: Pick<SyncJobStore, 'request'>;
  readonly queue: SyncQueue;
  readonly log: LogSink;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/**
 * The queue worker: runs each message's job within the deadline. A job that waits for the budget has
 * scheduled its own continuation, so its message is acknowledged: rate limits never use up a
 * message's receive count. Only poison messages and real faults are reported as failed (SQS
 * redelivers them and, after `maxReceiveCount`, dead-letters them).
 *
 * @param deps - the job runner, the job store, the queue
 * @param records - the batch
 * @param options - the deadline (epoch ms) after which no new upstream call starts
 */
export async function processSyncRecords(
  deps: SyncWorkerDependencies,
  records: readonly SyncQueueRecord[],
  options: { readonly deadline?: number } = {},
): Promise<ProcessSyncRecordsResult> {
  const clock = deps.clock ?? Date.now;
  const failedMessageIds: string[] = [];
  const results: TicketSyncStatus[] = [];
  for (const record of records) {
    const parsed = parseTicketSyncMessage(record.body);
    if (!parsed.ok) {
      // Reported as failed so SQS moves it to the dead-letter queue after maxReceiveCount.
      deps.log.warn('Poison ticket sync message', { messageId: record.messageId, reason: parsed.reason });
      failedMessageIds.push(record.messageId);
      continue;
    }
    const { company_id: companyId, days_back: daysBack, wake } = parsed.message;
    try {
      if (options.deadline !== undefined && clock() >= options.deadline) {
        // Not started: sent again as it is, rather than failed back (which would count a receive).
        await deps.queue.enqueue([parsed.message]);
        continue;
      }
      const runOptions = {
        ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        ...(wake === undefined ? {} : { wake }),
      };
      let job = await deps.runner.run(companyId, runOptions);
      if (job === undefined) {
        // A message for a company that never had a job (sent by hand, or its job row was removed).
        await deps.jobs.request(companyId, { daysBack });
        job = await deps.runner.run(companyId, runOptions);
      }
      if (job !== undefined) results.push(toSyncStatus(job));
    } catch (error) {
      deps.log.warn('Ticket sync failed', {
        messageId: record.messageId,
        companyId,
        error: describeError(error),
      });
      failedMessageIds.push(record.messageId);
    }
  }
  return { failedMessageIds, results };
}
