import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface CleanupScheduleProps {
  /** The function that removes expired tokens, old audit events and idle rate-limit rows. */
  readonly cleanupFunction: lambda.IFunction;
  /** EventBridge schedule expression. @default 'rate(30 minutes)' */
  readonly scheduleExpression?: string;
}

/** EventBridge rule that runs the cleanup; a missed run is harmless because the next one catches up. */
export class CleanupSchedule extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CleanupScheduleProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Runs the Bluestakes token cleanup',
      schedule: events.Schedule.expression(props.scheduleExpression ?? 'rate(30 minutes)'),
      targets: [
        new targets.LambdaFunction(props.cleanupFunction, {
          retryAttempts: 2,
          // Older than one period the next scheduled run does the same work.
          maxEventAge: Duration.minutes(30),
        }),
      ],
    });
  }
}
