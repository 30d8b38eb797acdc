import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsSyncQueue, SyncQueueError, type TicketSyncMessage } from '../../../functions/tickets';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ticket-sync';

function messages(count: number): TicketSyncMessage[] {
  return Array.from({ length: count }, (_, index) => ({ company_id: String(index + 1), days_back: 28 }));
}

function queue() {
  return createSqsSyncQueue({ queueUrl: QUEUE_URL, client: new SQSClient({ region: 'us-east-1' }) });
}

afterEach(() => {
  sqs.reset();
});

describe('the SQS sync queue', () => {
  it('sends 25 messages as batches of 10, 10 and 5, each body the JSON message', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await expect(queue().enqueue(messages(25))).resolves.toEqual({ enqueued: 25 });

    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    const sent = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => input.Entries?.length)).toEqual([10, 10, 5]);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 3, {
      QueueUrl: QUEUE_URL,
      Entries: [20, 21, 22, 23, 24].map((n, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify({ company_id: String(n + 1), days_back: 28 }),
      })),
    });
  });

  it('sends nothing for no messages', async () => {
    await expect(queue().enqueue([])).resolves.toEqual({ enqueued: 0 });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('sends the entries SQS failed once more, and only those', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });

    await expect(queue().enqueue(messages(3))).resolves.toEqual({ enqueued: 3 });

    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: '1', MessageBody: JSON.stringify({ company_id: '2', days_back: 28 }) }],
    });
  });

  it('throws a SyncQueueError counting what still failed, without retrying sender faults', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [
          { Id: '0', Code: 'InvalidMessageContents', SenderFault: true },
          { Id: '2', Code: 'ServiceUnavailable', SenderFault: false },
        ],
      })
      .resolves({ Failed: [{ Id: '2', Code: 'ServiceUnavailable', SenderFault: false }] });

    const error = await queue()
      .enqueue(messages(3))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SyncQueueError);
    expect(error).toMatchObject({ failed: 2 });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      Entries: [{ Id: '2', MessageBody: JSON.stringify({ company_id: '3', days_back: 28 }) }],
    });
  });

  it('lets an SQS error through unchanged', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('AccessDenied'));
    await expect(queue().enqueue(messages(1))).rejects.toThrow('AccessDenied');
  });
});
