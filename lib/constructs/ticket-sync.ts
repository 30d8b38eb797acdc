import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function';

export interface TicketSyncProps {
  /** Consumes the queue: one company's sync per message. */
  readonly worker: ServiceFunction;
  /** Enqueues one message per company on a schedule. */
  readonly scheduler: ServiceFunction;
  /** EventBridge schedule of `scheduler`. @default 'rate(1 hour)' */
  readonly scheduleExpression?: string;
  /** Most workers at once, so the fleet stays well inside the shared upstream rate limit. @default 5 */
  readonly workerMaxConcurrency?: number;
  /** Deliveries before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * Ticket sync fan-out: schedule (or `POST /tickets/sync`) -> one SQS message per company job -> worker.
 * A job waiting for the upstream budget sends its own delayed continuation and its message is
 * deleted; only failed messages (poison, real faults) are retried by SQS and, after
 * `maxReceiveCount`, parked in a dead-letter queue without blocking the others (the worker reports
 * partial batch failures).
 */
export class TicketSync extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: TicketSyncProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // AWS's guidance for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(
        (props.worker.function.timeout ?? Duration.minutes(5)).toSeconds() * 6,
      ),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    props.worker.function.addEventSource(
      new lambdaEventSources.SqsEventSource(this.queue, {
        // One job per invocation: each gets the whole timeout, and a long one never delays another.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.workerMaxConcurrency ?? 5,
      }),
    );
    this.allowEnqueue(props.scheduler);
    // A job waiting for the budget schedules its own continuation on the queue.
    this.allowEnqueue(props.worker);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Enqueues one Bluestakes ticket sync per company',
      schedule: events.Schedule.expression(props.scheduleExpression ?? 'rate(1 hour)'),
      targets: [new targets.LambdaFunction(props.scheduler.function, { retryAttempts: 2 })],
    });
  }

  /** Sets `TICKET_SYNC_QUEUE_URL` and grants sending to the queue, together. */
  allowEnqueue(fn: ServiceFunction): void {
    fn.function.addEnvironment('TICKET_SYNC_QUEUE_URL', this.queue.queueUrl);
    this.queue.grantSendMessages(fn.function);
  }
}
