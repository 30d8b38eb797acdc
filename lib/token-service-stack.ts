import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HTTP_ROUTES } from '../functions/http-routes';
import { TICKET_SYNC_WORKER_TIMEOUT_SECONDS } from '../functions/tickets/worker-timing';
import type { ServiceConfig } from './config';
import { TokenServiceApi } from './constructs/api';
import { TokenConsumerAccess } from './constructs/consumer-access';
import { TokenDatabase } from './constructs/database';
import { DatabaseMigrations } from './constructs/migrations';
import { type MonitoredFunction, TokenServiceMonitoring } from './constructs/monitoring';
import { CleanupSchedule } from './constructs/schedules';
import { type CredentialsAccess, TokenServiceSecrets } from './constructs/secrets';
import { ServiceFunction } from './constructs/service-function';
import { TicketSync } from './constructs/ticket-sync';
import { TokenManagerLayer } from './constructs/token-manager-layer';
import { pascalCase } from './naming';

/** The repository root (holds package-lock.json, functions/, sql/). */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface RouteAccess {
  /** Access to `<prefix>/companies/*`. @default - none */
  readonly credentials?: CredentialsAccess;
}

/**
 * What each endpoint may touch beyond the database and the keyring every function gets. The token
 * administration endpoints never call getOrRefreshToken, so none reads credentials; store-credentials
 * only writes them. The ticket endpoints call Bluestakes through the layer, and the lease winner among
 * them reads the company's credentials. A route missing here gets no credentials access: a new route
 * starts with the least.
 */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'store-credentials': { credentials: 'write' },
  // The registry only ever deletes secrets: a new company's id may have a stale one, and deleting a
  // company or its credentials removes its own. Listing, reading and updating touch the database only.
  'create-company': { credentials: 'delete' },
  'delete-credentials': { credentials: 'delete' },
  'delete-company': { credentials: 'delete' },
  'test-credentials': {},
  'sync-tickets': { credentials: 'read' },
  'get-ticket-location': { credentials: 'read' },
};

export const CLEANUP_FUNCTION_FOLDER = 'run-scheduled-cleanup';
export const TICKET_WORKER_FOLDER = 'process-ticket-sync';
export const TICKET_SCHEDULER_FOLDER = 'schedule-ticket-sync';
/** Routes that put sync messages on the queue. */
export const ENQUEUING_ROUTES = ['sync-tickets'] as const;

export interface TokenServiceStackProps extends StackProps {
  /** Validated settings, usually `readServiceConfig(app.node)`. */
  readonly config: ServiceConfig;
}

/**
 * The Bluestakes token service: database, layer, functions, API, schedule, migrations and monitoring
 * wired together. Construct ids are a public contract (they name the deployed resources): keep them.
 */
export class TokenServiceStack extends Stack {
  readonly database: TokenDatabase;
  readonly secrets: TokenServiceSecrets;
  readonly layer: TokenManagerLayer;
  readonly migrations: DatabaseMigrations;
  readonly routeFunctions: ReadonlyMap<string, ServiceFunction>;
  readonly cleanupFunction: ServiceFunction;
  readonly ticketSync: TicketSync;
  readonly api: TokenServiceApi;
  readonly monitoring: TokenServiceMonitoring;

  constructor(scope: Construct, id: string, props: TokenServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const projectRoot = REPOSITORY_ROOT;
    const logRetention = config.functions.logRetentionDays as logs.RetentionDays;
    const statefulRemoval =
      config.database.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.database = new TokenDatabase(this, 'Database', {
      databaseName: config.database.name,
      minCapacity: config.database.minCapacity,
      maxCapacity: config.database.maxCapacity,
      autoPause: Duration.seconds(config.database.autoPauseSeconds),
      deletionProtection: config.database.deletionProtection,
      removalPolicy: config.database.removalPolicy,
      logRetention,
    });
    this.secrets = new TokenServiceSecrets(this, 'Secrets', {
      credentialsSecretPrefix: config.tokens.credentialsSecretPrefix,
      removalPolicy: statefulRemoval,
    });
    this.layer = new TokenManagerLayer(this, 'TokenManagerLayer', {
      libraryRoot: join(projectRoot, 'functions', 'layers', 'token-manager'),
      arnParameterName: `/${config.stackName}/token-manager-layer-arn`,
      sourceMaps: config.functions.sourceMaps,
    });
    this.migrations = new DatabaseMigrations(this, 'Migrations', {
      projectRoot,
      layer: this.layer.layerVersion,
      database: this.database,
      secrets: this.secrets,
      logRetention,
      sourceMaps: config.functions.sourceMaps,
    });

    // Settings every token-manager function must share: the rate limit is fleet-wide only if all agree.
    const tokenEnvironment = {
      BLUESTAKES_BASE_URL: config.tokens.bluestakesBaseUrl,
      TOKEN_TTL_SECONDS: String(config.tokens.ttlSeconds),
      RATE_LIMIT_MAX_REQUESTS: String(config.rateLimit.maxRequests),
      RATE_LIMIT_WINDOW_MS: String(config.rateLimit.windowMs),
      RATE_LIMIT_SCOPE: config.rateLimit.scope,
    };
    const tokenFunction = (folder: string, description: string, timeout: Duration): ServiceFunction => {
      const fn = new ServiceFunction(this, pascalCase(folder), {
        entry: join(projectRoot, 'functions', folder, 'handler.ts'),
        projectRoot,
        layer: this.layer.layerVersion,
        description,
        timeout,
        memorySize: config.functions.memoryMb,
        logRetention,
        environment: tokenEnvironment,
        sourceMaps: config.functions.sourceMaps,
      })
        .bindDatabase(this.database)
        .bindEncryptionKey(this.secrets, 'read');
      // New code goes live only after the schema it expects and the keyring exist.
      fn.node.addDependency(this.migrations.schemaMigrations, this.migrations.keyringBootstrap);
      return fn;
    };

    const routeFunctions = new Map<string, ServiceFunction>();
    for (const route of HTTP_ROUTES) {
      // An alias path reuses its handler's function: one function (and role) per handler folder.
      if (routeFunctions.has(route.handler)) continue;
      const fn = tokenFunction(
        route.handler,
        `${route.method} ${route.path}: ${route.summary}`,
        Duration.seconds(config.functions.httpTimeoutSeconds),
      );
      const credentials = ROUTE_ACCESS[route.handler]?.credentials;
      if (credentials !== undefined) fn.bindCredentials(this.secrets, credentials);
      routeFunctions.set(route.handler, fn);
    }
    this.routeFunctions = routeFunctions;
    this.cleanupFunction = tokenFunction(
      CLEANUP_FUNCTION_FOLDER,
      'Scheduled cleanup of expired tokens, old audit events and idle rate-limit rows',
      Duration.minutes(2),
    );

    const ticketWorker = tokenFunction(
      TICKET_WORKER_FOLDER,
      "Runs one company's Bluestakes ticket sync job per SQS message",
      Duration.seconds(TICKET_SYNC_WORKER_TIMEOUT_SECONDS),
    ).bindCredentials(this.secrets, 'read');
    const ticketScheduler = tokenFunction(
      TICKET_SCHEDULER_FOLDER,
      'Enqueues one ticket sync per company',
      Duration.minutes(1),
    );
    this.ticketSync = new TicketSync(this, 'TicketSync', {
      worker: ticketWorker,
      scheduler: ticketScheduler,
      scheduleExpression: config.tickets.syncSchedule,
      workerMaxConcurrency: config.tickets.workerMaxConcurrency,
      maxReceiveCount: config.tickets.maxReceiveCount,
    });
    for (const folder of ENQUEUING_ROUTES) {
      const fn = routeFunctions.get(folder);
      if (fn !== undefined) this.ticketSync.allowEnqueue(fn);
    }

    this.api = new TokenServiceApi(this, 'Api', {
      routes: HTTP_ROUTES.map((route) => ({
        method: route.method,
        path: route.path,
        function: routeFunctions.get(route.handler)!.function,
      })),
      stageName: config.api.stageName,
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      quota: { limit: config.api.quotaLimit, period: config.api.quotaPeriod },
      keyNames: config.api.keyNames,
      executionLogLevel: config.api.executionLogLevel,
      createCloudWatchRole: config.api.createCloudWatchRole,
      iamAuthorization: config.api.iamAuthorization,
      logRetention,
    });

    new CleanupSchedule(this, 'CleanupSchedule', {
      cleanupFunction: this.cleanupFunction.function,
      scheduleExpression: config.cleanupSchedule,
    });

    const monitored: MonitoredFunction[] = [
      ...[...routeFunctions].map(([name, fn]) => ({ name, function: fn.function })),
      { name: CLEANUP_FUNCTION_FOLDER, function: this.cleanupFunction.function },
      { name: TICKET_WORKER_FOLDER, function: ticketWorker.function },
      { name: TICKET_SCHEDULER_FOLDER, function: ticketScheduler.function },
      { name: 'migrate-database', function: this.migrations.function.function },
    ];
    this.monitoring = new TokenServiceMonitoring(this, 'Monitoring', {
      functions: monitored,
      restApi: this.api.restApi,
      dashboardName: config.stackName,
      ...(config.alarms.email === undefined ? {} : { alarmEmail: config.alarms.email }),
      loginFailureThreshold: config.alarms.loginFailureThreshold,
      upstream429Threshold: config.alarms.upstream429Threshold,
    });

    this.monitoring.alarmWhenMessagesWaiting('TicketSyncDeadLetters', this.ticketSync.deadLetterQueue);

    const consumerAccess = new TokenConsumerAccess(this, 'ConsumerAccess', {
      database: this.database,
      secrets: this.secrets,
    });

    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: this.api.url, description: 'Invoke URL of the token service API (send x-api-key)' },
      ApiKeyIds: {
        value: this.api.apiKeys.map((key) => key.keyId).join(','),
        description: `API key ids (${config.api.keyNames.join(', ')}); read a value with aws apigateway get-api-key --include-value`,
      },
      ClusterArn: {
        value: this.database.cluster.clusterArn,
        description: 'Aurora cluster (DATABASE_RESOURCE_ARN)',
      },
      DatabaseSecretArn: { value: this.database.secret.secretArn, description: 'DATABASE_SECRET_ARN' },
      DatabaseName: { value: this.database.databaseName, description: 'DATABASE_NAME' },
      EncryptionKeySecretArn: {
        value: this.secrets.encryptionKey.secretArn,
        description: 'Token keyring (TOKEN_ENCRYPTION_KEY_SECRET_ID)',
      },
      CredentialsSecretPrefix: {
        value: this.secrets.credentialsSecretPrefix,
        description: 'CREDENTIALS_SECRET_PREFIX',
      },
      LayerArn: {
        value: this.layer.layerVersion.layerVersionArn,
        description: 'The @bluestakes/token-manager layer version',
      },
      LayerArnParameterName: {
        value: this.layer.arnParameter.parameterName,
        description: 'SSM parameter holding the latest layer version ARN',
      },
      ConsumerPolicyArn: {
        value: consumerAccess.policy.managedPolicyArn,
        description: 'Managed policy a consumer Lambda attaches to use the layer',
      },
      ConsumerEnvironment: {
        value: Stack.of(this).toJsonString({
          ...tokenEnvironment,
          DATABASE_RESOURCE_ARN: this.database.cluster.clusterArn,
          DATABASE_SECRET_ARN: this.database.secret.secretArn,
          DATABASE_NAME: this.database.databaseName,
          TOKEN_ENCRYPTION_KEY_SECRET_ID: this.secrets.encryptionKey.secretArn,
          CREDENTIALS_SECRET_PREFIX: this.secrets.credentialsSecretPrefix,
        }),
        description: 'Environment a consumer Lambda sets (same rate limit as the service)',
      },
      TicketSyncQueueUrl: { value: this.ticketSync.queue.queueUrl, description: 'Ticket sync queue' },
      TicketSyncDeadLetterQueueUrl: {
        value: this.ticketSync.deadLetterQueue.queueUrl,
        description: 'Sync messages that failed every delivery',
      },
      DashboardUrl: { value: this.monitoring.dashboardUrl, description: 'CloudWatch dashboard' },
      AlarmTopicArn: { value: this.monitoring.alarmTopic.topicArn, description: 'SNS topic of the alarms' },
    };
    if (this.api.invokePolicy !== undefined) {
      outputs.ApiInvokePolicyArn = {
        value: this.api.invokePolicy.managedPolicyArn,
        description: 'Managed policy an AWS workload attaches to call the API (SigV4, plus an API key)',
      };
    }
    for (const [outputId, output] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, output);
    }
  }
}
