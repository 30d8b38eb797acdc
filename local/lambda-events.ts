/** The events and contexts the local stack hands its non-HTTP handlers, shaped as Lambda's. */
import { randomBytes } from 'node:crypto';
import type { Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { createLambdaContext } from './api-gateway';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** An EventBridge schedule's event, as the cleanup rule sends it. */
export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: randomBytes(16).toString('hex'),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/local-cleanup`],
    detail: {},
  };
}

/** One SQS message as its event source delivers it, on its `receiveCount`th delivery. */
export function sqsEvent(body: string, receiveCount: number): SQSEvent {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomBytes(16).toString('hex'),
        receiptHandle: 'local',
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: now,
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:local-ticket-sync`,
        awsRegion: REGION,
      },
    ],
  };
}

/** A Lambda context with a real deadline, as the local gateway gives its handlers. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  return createLambdaContext({
    functionName,
    timeoutMs,
    region: REGION,
    accountId: ACCOUNT,
    memoryLimitMb: 256,
  });
}
