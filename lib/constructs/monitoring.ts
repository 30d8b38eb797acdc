import type { TokenMetricName } from '@bluestakes/token-manager';
import { METRICS_NAMESPACE, SERVICE_NAME } from '@bluestakes/token-manager/constants';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pascalCase } from '../naming';

/** The scheduled cleanup's own metric (emitted by its handler, not by the library). */
type HandlerMetricName = 'TokensCleaned';

export interface MonitoredFunction {
  /** Short name used in alarm and widget labels, e.g. `get-token-stats`. */
  readonly name: string;
  readonly function: lambda.IFunction;
}

export interface TokenServiceMonitoringProps {
  readonly functions: readonly MonitoredFunction[];
  readonly restApi: apigw.RestApi;
  /** @default 'BluestakesTokenService' */
  readonly dashboardName?: string;
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** LoginFailure count per 5 minutes that alarms. @default 5 */
  readonly loginFailureThreshold?: number;
  /** Upstream429 count per 5 minutes that alarms. @default 1 */
  readonly upstream429Threshold?: number;
}

const PERIOD = Duration.minutes(5);

/** A library (or handler) metric, summed per period. */
export function tokenMetric(
  name: TokenMetricName | HandlerMetricName,
  statistic: string = cloudwatch.Stats.SUM,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    // Where the library's EMF metrics land: Powertools sets the `service` dimension by default.
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period: PERIOD,
  });
}

/**
 * Dashboard (cache hit rates, logins, failures, upstream 429s, Data API retries, latency, errors) and
 * alarms (login failures, upstream 429s, every function's errors, API 5xx) notifying one SNS topic.
 * Metrics from other teams' Lambdas using the layer land in the same namespace and count here too.
 */
export class TokenServiceMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.Topic;
  readonly #alarms: cloudwatch.Alarm[] = [];

  /** Every alarm, all notifying `alarmTopic`. */
  get alarms(): readonly cloudwatch.Alarm[] {
    return this.#alarms;
  }
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: TokenServiceMonitoringProps) {
    super(scope, id);
    const dashboardName = props.dashboardName ?? 'BluestakesTokenService';

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Bluestakes token service alarms',
      enforceSSL: true,
    });
    // enforceSSL alone leaves the topic policy with a Deny only: once a topic has a policy, CloudWatch
    // needs an explicit Allow to publish. Scoped to this account's alarms (confused-deputy guard).
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and alarm ' +
        'notifications carry only alarm names and states (no tokens, credentials or company data).',
    });

    const alarms: cloudwatch.Alarm[] = [
      new cloudwatch.Alarm(this, 'LoginFailureAlarm', {
        alarmDescription:
          'Bluestakes logins are failing (rejected credentials, upstream errors or timeouts). Check the ' +
          'auth events table and the functions logs.',
        metric: tokenMetric('LoginFailure'),
        threshold: props.loginFailureThreshold ?? 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'Upstream429Alarm', {
        alarmDescription:
          'Bluestakes answered 429: the fleet-wide rate limit is set above what the upstream allows, or ' +
          'another client shares the account.',
        metric: tokenMetric('Upstream429'),
        threshold: props.upstream429Threshold ?? 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'Api5xxAlarm', {
        alarmDescription: 'The token service API returned 5xx responses.',
        metric: props.restApi.metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ...props.functions.map(
        ({ name, function: fn }) =>
          new cloudwatch.Alarm(this, `${pascalCase(name)}ErrorsAlarm`, {
            alarmDescription: `The ${name} function failed (errors or timeouts).`,
            metric: fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      ),
    ];
    const notify = new actions.SnsAction(this.alarmTopic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
    this.#alarms.push(...alarms);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.hours(6),
    });
    const l1 = tokenMetric('L1Hit');
    const l2 = tokenMetric('L2Hit');
    const login = tokenMetric('Login');
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Token cache hit rate (%)',
        left: [
          new cloudwatch.MathExpression({
            expression: '100 * (FILL(l1, 0) + FILL(l2, 0)) / (FILL(l1, 0) + FILL(l2, 0) + FILL(login, 0))',
            usingMetrics: { l1, l2, login },
            label: 'served from L1 or L2',
            period: PERIOD,
          }),
          new cloudwatch.MathExpression({
            expression: '100 * FILL(l1, 0) / (FILL(l1, 0) + FILL(l2, 0) + FILL(login, 0))',
            usingMetrics: { l1, l2, login },
            label: 'served from L1',
            period: PERIOD,
          }),
        ],
        leftYAxis: { min: 0, max: 100 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Token sources (count)',
        left: [l1, l2, login, tokenMetric('StaleServe'), tokenMetric('LeaseWait')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Logins and upstream errors',
        left: [
          login,
          tokenMetric('LoginFailure'),
          tokenMetric('Upstream401'),
          tokenMetric('Upstream403'),
          tokenMetric('Upstream429'),
          tokenMetric('RateLimitWait'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Database and coordination',
        left: [
          tokenMetric('DataApiRetry'),
          tokenMetric('LeaseLost'),
          tokenMetric('TokenUnavailable'),
          tokenMetric('TokenInvalidated'),
          tokenMetric('TokensCleaned'),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.restApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'latency p50' }),
          props.restApi.metricLatency({ period: PERIOD, statistic: 'p99', label: 'latency p99' }),
          props.restApi.metricIntegrationLatency({
            period: PERIOD,
            statistic: 'p99',
            label: 'integration p99',
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: props.functions.map(({ name, function: fn }) =>
          fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ name, function: fn }) =>
          fn.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: name }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API responses',
        left: [
          props.restApi.metricCount({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: 'requests' }),
          props.restApi.metricClientError({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: '4xx' }),
          props.restApi.metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: '5xx' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
    );

    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboardName}`;
  }

  /** Alarms (to the same topic) as soon as a queue holds a message: for dead-letter queues. */
  alarmWhenMessagesWaiting(id: string, queue: sqs.IQueue): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      alarmDescription: `Messages are waiting in ${id}: they failed every delivery. Inspect and redrive them.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const notify = new actions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(notify);
    alarm.addOkAction(notify);
    this.#alarms.push(alarm);
    return alarm;
  }
}
