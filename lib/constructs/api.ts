import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpMethod } from '../../functions/http-routes';
import type { ApiExecutionLogLevel, QuotaPeriod } from '../config';
import { pascalCase } from '../naming';

export interface ApiRoute {
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  readonly path: string;
  readonly function: lambda.IFunction;
}

export interface TokenServiceApiProps {
  readonly routes: readonly ApiRoute[];
  /** @default 'v1' */
  readonly stageName?: string;
  /** Per API key. @default { rateLimit: 20, burstLimit: 40 } */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Per API key. @default { limit: 100000, period: 'DAY' } */
  readonly quota?: { readonly limit: number; readonly period: QuotaPeriod };
  /** One generated API key per name. @default ['default'] */
  readonly keyNames?: readonly string[];
  /** @default 'ERROR' */
  readonly executionLogLevel?: ApiExecutionLogLevel;
  /** Create the account-level CloudWatch role API Gateway logs with. @default true */
  readonly createCloudWatchRole?: boolean;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

const LOG_LEVELS: Readonly<Record<ApiExecutionLogLevel, apigw.MethodLoggingLevel>> = {
  ERROR: apigw.MethodLoggingLevel.ERROR,
  INFO: apigw.MethodLoggingLevel.INFO,
  OFF: apigw.MethodLoggingLevel.OFF,
};

const PERIODS: Readonly<Record<QuotaPeriod, apigw.Period>> = {
  DAY: apigw.Period.DAY,
  WEEK: apigw.Period.WEEK,
  MONTH: apigw.Period.MONTH,
};

/**
 * The REST API: an API key on every method, a usage plan (throttle + quota) holding the keys, JSON
 * access logs, execution logs without bodies (they would hold passwords), and error responses in the
 * handlers' JSON envelope.
 */
export class TokenServiceApi extends Construct {
  readonly restApi: apigw.RestApi;
  readonly usagePlan: apigw.UsagePlan;
  readonly apiKeys: readonly apigw.IApiKey[];
  readonly accessLogGroup: logs.LogGroup;
  /** Where API Gateway writes execution logs; absent when they are off. */
  readonly executionLogGroup: logs.LogGroup | undefined;

  constructor(scope: Construct, id: string, props: TokenServiceApiProps) {
    super(scope, id);
    const executionLogLevel = props.executionLogLevel ?? 'ERROR';
    const createCloudWatchRole = props.createCloudWatchRole ?? true;
    const stageName = props.stageName ?? 'v1';

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: 'Bluestakes token service: token cache administration and credentials',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      defaultMethodOptions: { apiKeyRequired: true },
      cloudWatchRole: createCloudWatchRole,
      ...(createCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: LOG_LEVELS[executionLogLevel],
        // Full request/response logging would write credentials bodies to CloudWatch.
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        // No query string on purpose: credentials sent there by mistake must not reach the logs.
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigw.AccessLogField.contextRequestId(),
            requestTime: apigw.AccessLogField.contextRequestTime(),
            ip: apigw.AccessLogField.contextIdentitySourceIp(),
            apiKeyId: apigw.AccessLogField.contextIdentityApiKeyId(),
            httpMethod: apigw.AccessLogField.contextHttpMethod(),
            resourcePath: apigw.AccessLogField.contextResourcePath(),
            path: apigw.AccessLogField.contextPath(),
            status: apigw.AccessLogField.contextStatus(),
            responseLength: apigw.AccessLogField.contextResponseLength(),
            integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
            responseLatency: apigw.AccessLogField.contextResponseLatency(),
            errorType: apigw.AccessLogField.contextErrorResponseType(),
          }),
        ),
      },
    });

    // API Gateway writes execution logs to a group it names itself and, left alone, creates it on first
    // use without a retention and outside the stack. Creating that exact name here, before the stage,
    // gives it the stack's retention and removes it with the stack.
    this.executionLogGroup =
      executionLogLevel === 'OFF'
        ? undefined
        : new logs.LogGroup(this, 'ExecutionLogGroup', {
            logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${stageName}`,
            retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          });
    if (this.executionLogGroup !== undefined) {
      this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);
    }

    // API Gateway's own answers (403 Forbidden for a bad key, Missing Authentication Token for an
    // unknown route) keep their standard shape, exactly as the local gateway reproduces them; bodies
    // are validated by the handlers, whose errors name the field.
    const validator = this.restApi.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters',
      validateRequestBody: false,
      validateRequestParameters: true,
    });
    for (const route of props.routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      resource.addMethod(
        route.method,
        new apigw.LambdaIntegration(route.function, { allowTestInvoke: false }),
        {
          apiKeyRequired: true,
          requestValidator: validator,
          requestParameters: Object.fromEntries(
            pathParameters.map((name) => [`method.request.path.${name}`, true]),
          ),
        },
      );
    }

    const throttle = props.throttle ?? { rateLimit: 20, burstLimit: 40 };
    const quota = props.quota ?? { limit: 100_000, period: 'DAY' };
    this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
      description: 'Limits per API key of the Bluestakes token service',
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      quota: { limit: quota.limit, period: PERIODS[quota.period] },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    this.apiKeys = (props.keyNames ?? ['default']).map((name) => {
      // No `value`: API Gateway generates it, so it never appears in the template or the repository.
      const key = new apigw.ApiKey(this, `ApiKey${pascalCase(name)}`, {
        description: `Bluestakes token service key "${name}"`,
      });
      this.usagePlan.addApiKey(key);
      return key;
    });

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'API Gateway validates path parameters; JSON bodies are validated by the handlers with zod (unknown ' +
          'fields refused, lengths bounded) so errors name the field and the local gateway behaves identically.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'Callers are a few internal services holding API keys; the usage plan throttles and caps each key. ' +
          'A WAF web ACL can be associated with the stage later without changing the API.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'The design authenticates callers with API keys on every method (usage plan per key); the API serves ' +
          'machine clients, not end users, so there is no IAM, Cognito or Lambda authorizer.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'No end users: machine callers authenticate with API keys (see AwsSolutions-APIG4).',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway writes execution logs with; this AWS managed policy is the one ' +
          'the API Gateway documentation prescribes and covers CloudWatch Logs only.',
      },
    );
    if (executionLogLevel === 'OFF') {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging switched off by the apiExecutionLogLevel context setting; access logs stay on.',
      });
    }
  }

  /** The invoke URL of the stage. */
  get url(): string {
    return this.restApi.url;
  }
}
