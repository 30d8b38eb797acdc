import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_DELAY_MS, type SyncQueue, SyncQueueError, type TicketSyncMessage } from './sync-queue';

/** SQS takes at most ten entries per SendMessageBatch. */
export const SQS_BATCH_SIZE = 10;

/** Where the SQS sync queue sends, and with which client. */
export interface SqsSyncQueueOptions {
  readonly queueUrl: string;
  /** @default a client configured from the environment (region, credentials, endpoint) */
  readonly client?: SQSClient;
}

/** `DelaySeconds` for a delay: whole seconds, rounded up (never early), within what SQS accepts. */
export function delaySecondsFor(delayMs: number | undefined): number {
  if (delayMs === undefined || !Number.isFinite(delayMs)) return 0;
  return Math.ceil(Math.min(MAX_DELAY_MS, Math.max(0, delayMs)) / 1000);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/**
 * The sync queue on Amazon SQS: `SendMessageBatch` in batches of ten. Entries SQS reports as failed
 * (throttling, a momentary fault) are sent once more; what still fails raises a SyncQueueError naming
 * how many. Sending a message twice is harmless: a sync is idempotent.
 *
 * @param options - the queue URL and, for tests, the client
 */
export function createSqsSyncQueue(options: SqsSyncQueueOptions): SyncQueue {
  const client = options.client ?? new SQSClient({});

  async function send(entries: SendMessageBatchRequestEntry[]): Promise<BatchResultErrorEntry[]> {
    const output = await client.send(
      new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }),
    );
    return output.Failed ?? [];
  }

  return {
    async enqueue(messages: readonly TicketSyncMessage[], options = {}) {
      const delaySeconds = delaySecondsFor(options.delayMs);
      let failed = 0;
      let lastFailure: BatchResultErrorEntry | undefined;
      for (const batch of chunks(messages, SQS_BATCH_SIZE)) {
        const entries = batch.map((message, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(message),
          ...(delaySeconds === 0 ? {} : { DelaySeconds: delaySeconds }),
        }));
        let failures = await send(entries);
        // Sender faults (a malformed entry) would fail again; only the others are worth a second try.
        const retry = entries.filter((entry) =>
          failures.some((failure) => failure.Id === entry.Id && failure.SenderFault !== true),
        );
        if (retry.length > 0) {
          failures = [...failures.filter((failure) => failure.SenderFault === true), ...(await send(retry))];
        }
        failed += failures.length;
        lastFailure = failures.at(-1) ?? lastFailure;
      }
      if (failed > 0) {
        throw new SyncQueueError(
          `SQS refused ${failed} of ${messages.length} sync messages (last: ${lastFailure?.Code ?? 'unknown'})`,
          { failed },
        );
      }
      return { enqueued: messages.length };
    },
  };
}
