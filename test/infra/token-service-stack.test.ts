import { join } from 'node:path';
import { METRICS_NAMESPACE, SERVICE_NAME } from '@bluestakes/token-manager/constants';
import { isKeyringPlaceholder } from '@bluestakes/token-manager/internal';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../functions/http-routes';
import { digestSqlDirectory } from '../../lib/constructs/migrations';
import { tokenMetric } from '../../lib/constructs/monitoring';
import { REPOSITORY_ROOT, ROUTE_ACCESS } from '../../lib/token-service-stack';
import { DEPLOYED_TIMINGS } from '../../local/deployed-timings';
import { type SynthesizedStack, synthStack } from './synth-stack';

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
}

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}

/** A synth takes seconds, but minutes on a loaded 2-core machine running other bundling tests. */
const SYNTH_TIMEOUT_MS = 300_000;
const CREDENTIALS_PATTERN = ':secret:bluestakes-token-service/companies/*';
// + scheduled cleanup + migrations + ticket sync worker + ticket sync scheduler
const OUR_FUNCTION_COUNT = new Set(HTTP_ROUTES.map((r) => r.handler)).size + 4;

function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

/**
 * Functions and roles CDK adds itself: the Provider framework's handler, and the custom resource that
 * strips the VPC default security group's rules (feature flag `restrictDefaultSecurityGroup`).
 */
function isCdkInternal(logicalId: string, resource: Resource): boolean {
  return (
    logicalId.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider') ||
    String(resource.Properties.Description).startsWith('AWS CDK resource provider framework')
  );
}

/** The stack's own functions: everything CDK does not add itself. */
function serviceFunctions(template: Template): [string, Resource][] {
  return resources(template, 'AWS::Lambda::Function').filter(([id, fn]) => !isCdkInternal(id, fn));
}

function functionLogicalId(template: Template, descriptionStart: string): string {
  const match = serviceFunctions(template).find(([, fn]) =>
    String(fn.Properties.Description).startsWith(descriptionStart),
  );
  if (match === undefined) throw new Error(`No function described "${descriptionStart}..."`);
  return match[0];
}

/** Every statement of the inline policies attached to the function's role. */
function roleStatements(template: Template, functionId: string): Statement[] {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
const route = (handler: string) => {
  const found = HTTP_ROUTES.find((r) => r.handler === handler);
  if (found === undefined) throw new Error(`No route for ${handler}`);
  return `${found.method} ${found.path}`;
};

describe('TokenServiceStack with the default settings', () => {
  let synthesized: SynthesizedStack;
  let template: Template;

  beforeAll(() => {
    synthesized = synthStack();
    template = synthesized.template;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synthesized.cleanup());

  describe('API', () => {
    it('has one method per route, each requiring an API key', () => {
      const methods = resources(template, 'AWS::ApiGateway::Method');
      expect(methods).toHaveLength(HTTP_ROUTES.length);
      for (const [, method] of methods) {
        expect(method.Properties.ApiKeyRequired).toBe(true);
        expect(method.Properties.AuthorizationType).toBe('NONE');
      }
      expect(methods.map(([, m]) => m.Properties.HttpMethod).sort()).toEqual(
        HTTP_ROUTES.map((r) => r.method).sort(),
      );
    });

    it('puts the keys in a usage plan with throttling and a quota on the stage', () => {
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        Throttle: { RateLimit: 20, BurstLimit: 40 },
        Quota: { Limit: 100_000, Period: 'DAY' },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
      template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
      template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    });

    it('lets API Gateway generate the key value, so it is never in the template', () => {
      for (const [, key] of resources(template, 'AWS::ApiGateway::ApiKey')) {
        expect(key.Properties).not.toHaveProperty('Value');
        expect(key.Properties.Enabled).toBe(true);
      }
    });

    it('logs access as JSON without the query string, and never logs bodies', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('apiKeyId') },
        MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR' })],
      });
      const stage = resources(template, 'AWS::ApiGateway::Stage')[0]![1];
      const format = (stage.Properties.AccessLogSetting as { Format: string }).Format;
      expect(format).not.toMatch(/querystring|\$input/i);
    });

    it('validates path parameters at the edge and leaves body validation to the handlers', () => {
      expect(resources(template, 'AWS::ApiGateway::Model')).toHaveLength(0);
      const methods = resources(template, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
      // Bodies are validated by the handlers (errors that name the field), as on the local gateway.
      expect(methods.filter((m) => m.RequestModels !== undefined)).toHaveLength(0);
      for (const method of methods) expect(method.RequestValidatorId).toBeDefined();
      template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestBody: false,
        ValidateRequestParameters: true,
      });
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'DELETE',
        RequestParameters: { 'method.request.path.company_id': true },
      });
    });

    it('creates the execution-log group API Gateway writes to, with a retention, removed with the stack', () => {
      const [restApiId] = resources(template, 'AWS::ApiGateway::RestApi')[0]!;
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/v1']] },
          RetentionInDays: 30,
        },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
      // The stage waits for the group, so API Gateway never creates it first (without a retention).
      const [groupId] = resources(template, 'AWS::Logs::LogGroup').find(([, group]) =>
        JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
      )!;
      const [, stage] = resources(template, 'AWS::ApiGateway::Stage')[0]!;
      expect(stage.DependsOn).toEqual(expect.arrayContaining([groupId]));
    });

    it("keeps API Gateway's standard answers for its own errors, as the local gateway reproduces them", () => {
      template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 0);
    });
  });

  describe('functions', () => {
    it('builds one function per route, the cleanup and the migrations', () => {
      expect(serviceFunctions(template)).toHaveLength(OUR_FUNCTION_COUNT);
      for (const r of HTTP_ROUTES) functionLogicalId(template, route(r.handler));
    });

    it('runs every function on nodejs22.x, arm64, traced, without source maps, with bounded limits', () => {
      for (const [id, fn] of serviceFunctions(template)) {
        const p = fn.Properties as Record<string, unknown> & {
          Environment: { Variables: Record<string, string> };
        };
        expect(p.Runtime, id).toBe('nodejs22.x');
        expect(p.Architectures, id).toEqual(['arm64']);
        expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
        // Parsing maps costs every cold start; functionSourceMaps turns them on (see docs/deploy.md).
        expect(p.Environment.Variables.NODE_OPTIONS, id).toBeUndefined();
        expect(p.Timeout, id).toBeLessThanOrEqual(600);
        expect(p.MemorySize, id).toBeLessThanOrEqual(512);
        expect(p.LoggingConfig, id).toMatchObject({ LogGroup: expect.anything(), LogFormat: 'JSON' });
      }
    });

    it('keeps HTTP functions within API Gateway’s 29 s', () => {
      for (const r of HTTP_ROUTES) {
        const fn = template.toJSON().Resources[functionLogicalId(template, route(r.handler))] as Resource;
        expect(fn.Properties.Timeout).toBe(25);
      }
    });

    it('gives the local stack the HTTP functions’ own timeout and Data API resume budget', () => {
      for (const r of HTTP_ROUTES) {
        const fn = template.toJSON().Resources[functionLogicalId(template, route(r.handler))] as Resource & {
          Properties: { Environment: { Variables: Record<string, string> } };
        };
        expect(Number(fn.Properties.Timeout) * 1000).toBe(DEPLOYED_TIMINGS.httpFunctionTimeoutMs);
        expect(fn.Properties.Environment.Variables.DATA_API_RESUME_BUDGET_MS).toBe(
          String(DEPLOYED_TIMINGS.dataApiResumeBudgetMs),
        );
      }
      // A resume that outlasts the budget is answered (503) well before API Gateway gives up (504).
      expect(DEPLOYED_TIMINGS).toEqual({
        integrationTimeoutMs: 29_000,
        httpFunctionTimeoutMs: 25_000,
        dataApiResumeBudgetMs: 20_000,
      });
    });

    it('attaches the token-manager layer to every function', () => {
      const [layerId] = resources(template, 'AWS::Lambda::LayerVersion')[0]!;
      for (const [id, fn] of serviceFunctions(template)) {
        expect(fn.Properties.Layers, id).toEqual([{ Ref: layerId }]);
      }
    });

    it('publishes the layer for nodejs22.x on both architectures and keeps old versions', () => {
      template.hasResource('AWS::Lambda::LayerVersion', {
        Properties: {
          CompatibleRuntimes: ['nodejs22.x'],
          CompatibleArchitectures: ['arm64', 'x86_64'],
        },
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/BluestakesTokenService/token-manager-layer-arn',
      });
    });

    it('sets the database variables and the shared token settings on every token function', () => {
      for (const [id, fn] of serviceFunctions(template)) {
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(Object.keys(variables), id).toEqual(
          expect.arrayContaining([
            'DATABASE_RESOURCE_ARN',
            'DATABASE_SECRET_ARN',
            'DATABASE_NAME',
            'DATA_API_RESUME_BUDGET_MS',
            'TOKEN_ENCRYPTION_KEY_SECRET_ID',
          ]),
        );
        expect(variables.DATABASE_NAME).toBe('bluestakes');
      }
      const stats = template.toJSON().Resources[functionLogicalId(template, route('get-token-stats'))];
      expect(stats.Properties.Environment.Variables).toMatchObject({
        TOKEN_TTL_SECONDS: '3600',
        RATE_LIMIT_MAX_REQUESTS: '10',
        RATE_LIMIT_WINDOW_MS: '60000',
        RATE_LIMIT_SCOPE: 'account',
        BLUESTAKES_BASE_URL: 'https://newtin-api.bluestakes.org',
        DATA_API_RESUME_BUDGET_MS: '20000',
      });
    });
  });

  describe('least privilege', () => {
    it('grants Data API access on the cluster ARN only, with the database secret', () => {
      const statements = roleStatements(template, functionLogicalId(template, route('get-token-stats')));
      const dataApi = statements.find((s) => actionsOf([s]).includes('rds-data:ExecuteStatement'))!;
      expect([dataApi.Action].flat().sort()).toEqual([
        'rds-data:BatchExecuteStatement',
        'rds-data:BeginTransaction',
        'rds-data:CommitTransaction',
        'rds-data:ExecuteStatement',
        'rds-data:RollbackTransaction',
      ]);
      expect(JSON.stringify(dataApi.Resource)).toMatch(/:cluster:.*DatabaseCluster/);
    });

    it('scopes credentials access to <prefix>/companies/* and to the routes that need it', () => {
      const expected: Record<string, string[]> = {
        write: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        read: ['secretsmanager:GetSecretValue'],
        delete: ['secretsmanager:DeleteSecret'],
      };
      const routeIds = new Map(
        HTTP_ROUTES.map((r) => [functionLogicalId(template, route(r.handler)), r.handler]),
      );
      for (const [id, fn] of serviceFunctions(template)) {
        const onPrefix = roleStatements(template, id).filter((s) =>
          JSON.stringify(s.Resource).includes(CREDENTIALS_PATTERN),
        );
        const workerId = functionLogicalId(template, "Runs one company's Bluestakes ticket sync job");
        const access = id === workerId ? 'read' : ROUTE_ACCESS[routeIds.get(id) ?? '']?.credentials;
        expect(actionsOf(onPrefix).sort(), id).toEqual(access === undefined ? [] : expected[access]);
        const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
        expect(variables.CREDENTIALS_SECRET_PREFIX, id).toBe(
          access === undefined ? undefined : 'bluestakes-token-service',
        );
      }
    });

    it('lets store-credentials write credentials but not read them, and the admin routes touch none', () => {
      expect(ROUTE_ACCESS['store-credentials']?.credentials).toBe('write');
      for (const handler of [
        'get-token-stats',
        'cleanup-tokens',
        'clear-token',
        'get-token-status',
        'test-credentials',
        'list-companies',
        'get-company',
        'update-company',
      ]) {
        expect(ROUTE_ACCESS[handler]?.credentials, handler).toBeUndefined();
        const statements = roleStatements(template, functionLogicalId(template, route(handler)));
        expect(JSON.stringify(statements), handler).not.toContain('companies/*');
      }
      const cleanup = roleStatements(template, functionLogicalId(template, 'Scheduled cleanup'));
      expect(JSON.stringify(cleanup)).not.toContain('companies/*');
    });

    it('lets the company registry delete secrets under the prefix, and never read them', () => {
      for (const handler of ['create-company', 'delete-credentials', 'delete-company']) {
        expect(ROUTE_ACCESS[handler]?.credentials, handler).toBe('delete');
        const statements = roleStatements(template, functionLogicalId(template, route(handler)));
        const onPrefix = statements.filter((s) => JSON.stringify(s.Resource).includes(CREDENTIALS_PATTERN));
        expect(actionsOf(onPrefix), handler).toEqual(['secretsmanager:DeleteSecret']);
      }
    });

    it('never grants a Secrets Manager or rds-data action on every resource', () => {
      for (const [id] of serviceFunctions(template)) {
        for (const statement of roleStatements(template, id)) {
          if (statement.Resource === '*') {
            expect(actionsOf([statement]).sort(), id).toEqual([
              'xray:PutTelemetryRecords',
              'xray:PutTraceSegments',
            ]);
          }
        }
      }
      template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
    });

    it('lets only the migration function write the keyring', () => {
      const migrationId = functionLogicalId(template, 'Applies the SQL migrations');
      for (const [id] of serviceFunctions(template)) {
        const writesKey = roleStatements(template, id).some(
          (s) =>
            actionsOf([s]).includes('secretsmanager:PutSecretValue') &&
            JSON.stringify(s.Resource).includes('SecretsEncryptionKey'),
        );
        expect(writesKey, id).toBe(id === migrationId);
      }
    });

    it('offers consumers one managed policy: Data API, keyring read, credentials read', () => {
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: Match.arrayWith(['rds-data:ExecuteStatement']) }),
            // One statement for both reads (the minimizePolicies feature flag merges them).
            Match.objectLike({
              Action: 'secretsmanager:GetSecretValue',
              Resource: Match.arrayWith([
                { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('companies/\\*$')])] },
                { Ref: Match.stringLikeRegexp('SecretsEncryptionKey') },
              ]),
            }),
          ]),
        },
      });
    });

    it('gives functions their own roles, without the AWSLambdaBasicExecutionRole managed policy', () => {
      for (const [, role] of resources(template, 'AWS::IAM::Role').filter(
        ([id, r]) => !isCdkInternal(id, r),
      )) {
        expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain(
          'AWSLambdaBasicExecutionRole',
        );
      }
    });
  });

  describe('database', () => {
    it('is Aurora PostgreSQL Serverless v2 with the Data API, encrypted, protected, auto-pausing', () => {
      template.hasResource('AWS::RDS::DBCluster', {
        Properties: {
          Engine: 'aurora-postgresql',
          EnableHttpEndpoint: true,
          StorageEncrypted: true,
          DeletionProtection: true,
          DatabaseName: 'bluestakes',
          ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 },
          MasterUserPassword: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        },
        DeletionPolicy: 'Snapshot',
      });
      template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    });

    it('keeps the master secret when the stack is deleted, with the final snapshot it unlocks', () => {
      const secrets = resources(template, 'AWS::SecretsManager::Secret').filter(([id]) =>
        id.includes('DatabaseClusterSecret'),
      );
      expect(secrets).toHaveLength(1);
      expect(secrets[0]![1].DeletionPolicy).toBe('Retain');
    });

    it('names the major engine version only, so automatic minor upgrades never meet a pinned minor', () => {
      template.hasResourceProperties('AWS::RDS::DBCluster', {
        Engine: 'aurora-postgresql',
        EngineVersion: '17',
        DBClusterParameterGroupName: 'default.aurora-postgresql17',
      });
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        AutoMinorVersionUpgrade: true,
        EngineVersion: Match.absent(),
      });
    });

    it("strips every rule from the VPC's default security group (restrictDefaultSecurityGroup)", () => {
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    });

    it('lives in isolated subnets only: no NAT, no internet gateway, no ingress', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::InternetGateway', 0);
      for (const [, subnet] of resources(template, 'AWS::EC2::Subnet')) {
        expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
      }
      for (const [, group] of resources(template, 'AWS::EC2::SecurityGroup')) {
        expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      }
      for (const [, fn] of serviceFunctions(template)) expect(fn.Properties.VpcConfig).toBeUndefined();
    });
  });

  describe('deploy-time work', () => {
    it('re-runs the migrations when the SQL changes: the hash of sql/ is a resource property', () => {
      const digest = digestSqlDirectory(join(REPOSITORY_ROOT, 'sql'));
      template.hasResourceProperties('Custom::DatabaseMigrations', {
        Task: 'apply-migrations',
        SqlHash: digest.hash,
        Migrations: digest.names.join(','),
      });
    });

    it('migrates only once the cluster and its writer exist, and serves new code only after', () => {
      const [migrationsId, migrations] = resources(template, 'Custom::DatabaseMigrations')[0]!;
      const [instanceId] = resources(template, 'AWS::RDS::DBInstance')[0]!;
      expect(migrations.DependsOn).toEqual(expect.arrayContaining([instanceId]));
      const [keyringId] = resources(template, 'Custom::TokenKeyringBootstrap')[0]!;
      for (const r of [...HTTP_ROUTES.map((x) => route(x.handler)), 'Scheduled cleanup']) {
        const fn = template.toJSON().Resources[functionLogicalId(template, r)] as Resource;
        expect(fn.DependsOn).toEqual(expect.arrayContaining([migrationsId, keyringId]));
      }
    });

    it('creates the key secret with the placeholder the bootstrap replaces', () => {
      const [, secret] = resources(template, 'AWS::SecretsManager::Secret').find(([id]) =>
        id.startsWith('SecretsEncryptionKey'),
      )!;
      const generate = secret.Properties.GenerateSecretString as {
        SecretStringTemplate: string;
        GenerateStringKey: string;
      };
      const generated = JSON.stringify({
        ...JSON.parse(generate.SecretStringTemplate),
        [generate.GenerateStringKey]: 'RandomValue123',
      });
      expect(isKeyringPlaceholder(generated)).toBe(true);
      template.hasResourceProperties('Custom::TokenKeyringBootstrap', {
        Task: 'initialize-keyring',
        SecretArn: { Ref: Match.stringLikeRegexp('SecretsEncryptionKey') },
      });
    });
  });

  it('runs the cleanup every 30 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionLogicalId(template, 'Scheduled cleanup'), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        }),
      ],
    });
  });

  describe('monitoring', () => {
    it('alarms on login failures and upstream 429s from the library’s metrics', () => {
      for (const [metric, threshold] of [
        ['LoginFailure', 5],
        ['Upstream429', 1],
      ] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'BluestakesTokenService',
          MetricName: metric,
          Dimensions: [{ Name: 'service', Value: 'bluestakes-token-service' }],
          Statistic: 'Sum',
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('fans ticket syncs out through SQS with a dead-letter queue, bounded workers and an hourly schedule', () => {
      template.resourceCountIs('AWS::SQS::Queue', 2);
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
        VisibilityTimeout: 1800,
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
      const senders = serviceFunctions(template).filter(
        ([, fn]) =>
          (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
            .TICKET_SYNC_QUEUE_URL,
      );
      expect(senders.map(([, fn]) => String(fn.Properties.Description).split(':')[0]).sort()).toEqual([
        'Enqueues one ticket sync per company',
        'POST /tickets/sync',
        "Runs one company's Bluestakes ticket sync job per SQS message",
      ]);
      for (const [id] of senders) {
        expect(actionsOf(roleStatements(template, id)), id).toContain('sqs:SendMessage');
      }
    });

    it('alarms when a sync message lands in the dead-letter queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
      });
    });

    it('alarms on every function’s errors and notifies one SNS topic', () => {
      const alarms = resources(template, 'AWS::CloudWatch::Alarm');
      const errorAlarms = alarms.filter(([, a]) => a.Properties.MetricName === 'Errors');
      expect(errorAlarms).toHaveLength(OUR_FUNCTION_COUNT);
      const [topicId] = resources(template, 'AWS::SNS::Topic')[0]!;
      for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('lets CloudWatch alarms of this account publish to the alarm topic, over TLS only', () => {
      const [topicId] = resources(template, 'AWS::SNS::Topic')[0]!;
      template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: topicId },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
    });

    it('reads the namespace and service dimension the library writes its metrics with', () => {
      const metric = tokenMetric('Login');
      expect(metric.namespace).toBe(METRICS_NAMESPACE);
      expect(metric.dimensions).toEqual({ service: SERVICE_NAME });
      const [, alarm] = resources(template, 'AWS::CloudWatch::Alarm').find(
        ([, resource]) => resource.Properties.MetricName === 'LoginFailure',
      )!;
      expect(alarm.Properties.Namespace).toBe(METRICS_NAMESPACE);
      expect(alarm.Properties.Dimensions).toEqual([{ Name: 'service', Value: SERVICE_NAME }]);
    });

    it('charts hit rates, logins, failures, 429s, Data API retries and latency', () => {
      const [, dashboard] = resources(template, 'AWS::CloudWatch::Dashboard')[0]!;
      const body = JSON.stringify(dashboard.Properties.DashboardBody);
      for (const text of [
        'BluestakesTokenService',
        'L1Hit',
        'L2Hit',
        '\\"Login\\"',
        'LoginFailure',
        'Upstream429',
        'DataApiRetry',
        'Latency',
        'p99',
        'hit rate',
      ]) {
        expect(body).toContain(text);
      }
    });
  });

  it('outputs what operators and consumers need', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).not.toContain('ApiInvokePolicyArn');
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'ApiKeyIds',
        'ClusterArn',
        'DatabaseSecretArn',
        'EncryptionKeySecretArn',
        'LayerArn',
        'DashboardUrl',
        'ConsumerPolicyArn',
        'ConsumerEnvironment',
      ]),
    );
  });
});

describe('TokenServiceStack with custom settings', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthStack({
      stackName: 'TokensDev',
      databaseMinCapacity: '0.5',
      databaseMaxCapacity: '2',
      databaseDeletionProtection: 'false',
      databaseRemovalPolicy: 'destroy',
      credentialsSecretPrefix: 'dev/bluestakes',
      apiKeyNames: 'team-a,team-b',
      apiThrottleRateLimit: '5',
      apiThrottleBurstLimit: '10',
      apiQuotaLimit: '1000',
      apiQuotaPeriod: 'WEEK',
      cleanupSchedule: 'rate(1 hour)',
      alarmEmail: 'ops@example.com',
      rateLimitMaxRequests: '4',
      httpFunctionTimeoutSeconds: '10',
      apiExecutionLogLevel: 'OFF',
      functionSourceMaps: 'true',
    });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synthesized.cleanup());

  it('applies every setting where it belongs', () => {
    const { template, stack } = synthesized;
    expect(stack.stackName).toBe('TokensDev');
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: {
        DeletionProtection: false,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
      },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 1000, Period: 'WEEK' },
    });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({
          RATE_LIMIT_MAX_REQUESTS: '4',
          DATA_API_RESUME_BUDGET_MS: '5000',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: { 'Fn::Join': ['', Match.arrayWith([':secret:dev/bluestakes/companies/*'])] },
          }),
        ]),
      },
    });
  });

  it('creates no execution-log group when execution logging is off', () => {
    for (const [, group] of resources(synthesized.template, 'AWS::Logs::LogGroup')) {
      expect(JSON.stringify(group.Properties.LogGroupName ?? '')).not.toContain(
        'API-Gateway-Execution-Logs_',
      );
    }
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ LoggingLevel: 'OFF' })],
    });
  });

  it('deletes the master secret with the cluster when the removal policy is destroy', () => {
    const [, secret] = resources(synthesized.template, 'AWS::SecretsManager::Secret').find(([id]) =>
      id.includes('DatabaseClusterSecret'),
    )!;
    expect(secret.DeletionPolicy).toBe('Delete');
  });

  it('drops auto-pause when the minimum capacity is above 0', () => {
    const cluster = resources(synthesized.template, 'AWS::RDS::DBCluster')[0]![1];
    expect(cluster.Properties.ServerlessV2ScalingConfiguration).not.toHaveProperty('SecondsUntilAutoPause');
  });
});

describe('TokenServiceStack with IAM authorization on', () => {
  let synthesized: SynthesizedStack;
  beforeAll(() => {
    synthesized = synthStack({ apiIamAuthorization: 'true' });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synthesized.cleanup());

  it('requires SigV4 and an API key on every method', () => {
    const methods = resources(synthesized.template, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(HTTP_ROUTES.length);
    for (const [id, method] of methods) {
      expect(method.Properties.AuthorizationType, id).toBe('AWS_IAM');
      expect(method.Properties.ApiKeyRequired, id).toBe(true);
    }
  });

  it('offers callers a managed policy to invoke the stage, and outputs it', () => {
    const [restApiId] = resources(synthesized.template, 'AWS::ApiGateway::RestApi')[0]!;
    synthesized.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([':execute-api:', { Ref: restApiId }, '/v1/*/*'])],
            },
          },
        ],
      },
    });
    expect(Object.keys(synthesized.template.toJSON().Outputs)).toContain('ApiInvokePolicyArn');
  });
});

describe('invalid settings', () => {
  it('fail at synth with a message naming the setting', () => {
    expect(() => synthStack({ databaseMinCapacity: '300' })).toThrow(/"databaseMinCapacity"/);
    expect(() => synthStack({ cleanupSchedule: 'hourly' })).toThrow(/"cleanupSchedule"/);
  });
});
