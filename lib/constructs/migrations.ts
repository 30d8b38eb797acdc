import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag';
import { shellQuote } from '../shell';
import type { TokenDatabase } from './database';
import type { TokenServiceSecrets } from './secrets';
import { ServiceFunction } from './service-function';

const SQL_FILE = /\.sql$/;

export interface SqlDirectoryDigest {
  /** File names in the order they are applied. */
  readonly names: readonly string[];
  /** sha256 over every name and content: any edit, addition or removal changes it. */
  readonly hash: string;
}

/** Hashes the migration files so CloudFormation re-runs the migration resource when they change. */
export function digestSqlDirectory(sqlDirectory: string): SqlDirectoryDigest {
  const names = readdirSync(sqlDirectory)
    .filter((name) => SQL_FILE.test(name))
    .sort();
  const hash = createHash('sha256');
  for (const name of names) {
    // Line endings normalised like the library's checksum, so a checkout on Windows changes nothing.
    const sql = readFileSync(join(sqlDirectory, name), 'utf8').replace(/\r\n/g, '\n');
    hash.update(name).update('\0').update(sql).update('\0');
  }
  return { names, hash: hash.digest('hex') };
}

/**
 * The commands that put the SQL files next to the bundled handler (`<bundle>/sql/*.sql`), where it
 * reads them with `loadMigrationsFromDirectory`. Exported so the bundling test runs the same commands.
 */
export function sqlCopyCommands(sqlDirectory: string, outputDir: string): string[] {
  const target = `${outputDir}/sql`;
  return [`mkdir -p ${shellQuote(target)}`, `cp ${shellQuote(sqlDirectory)}/*.sql ${shellQuote(target)}/`];
}

export interface DatabaseMigrationsProps {
  /** Folder holding `package-lock.json` and `functions/migrate-database/handler.ts`. */
  readonly projectRoot: string;
  /** The forward-only migrations. @default `<projectRoot>/sql` */
  readonly sqlDirectory?: string;
  readonly layer: lambda.ILayerVersion;
  readonly database: TokenDatabase;
  readonly secrets: TokenServiceSecrets;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** See ServiceFunctionProps.sourceMaps. @default false */
  readonly sourceMaps?: boolean;
}

/**
 * Deploy-time work that makes a fresh stack usable at once: a custom resource that applies the SQL
 * migrations (re-run whenever a file changes, waiting out an auto-paused cluster) and one that writes
 * the first token keyring into the encryption key secret. Both run `functions/migrate-database`
 * through the CDK Provider framework, which reports failures back to CloudFormation reliably.
 */
export class DatabaseMigrations extends Construct {
  readonly function: ServiceFunction;
  readonly schemaMigrations: CustomResource;
  readonly keyringBootstrap: CustomResource;
  readonly sqlDigest: SqlDirectoryDigest;

  constructor(scope: Construct, id: string, props: DatabaseMigrationsProps) {
    super(scope, id);
    const sqlDirectory = props.sqlDirectory ?? join(props.projectRoot, 'sql');
    this.sqlDigest = digestSqlDirectory(sqlDirectory);
    if (this.sqlDigest.names.length === 0) {
      throw new Error(`${this.node.path}: no migration files (*.sql) in ${sqlDirectory}`);
    }
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.function = new ServiceFunction(this, 'MigrateDatabase', {
      entry: join(props.projectRoot, 'functions', 'migrate-database', 'handler.ts'),
      projectRoot: props.projectRoot,
      layer: props.layer,
      description:
        'Applies the SQL migrations and bootstraps the token keyring (CloudFormation custom resource)',
      // Long enough for a paused cluster to resume and every migration to run, with retries.
      timeout: Duration.minutes(10),
      memorySize: 256,
      logRetention,
      afterBundling: (_inputDir, outputDir) => sqlCopyCommands(sqlDirectory, outputDir),
      sourceMaps: props.sourceMaps ?? false,
    })
      .bindDatabase(props.database, { resumeRetryBudget: Duration.minutes(2) })
      .bindEncryptionKey(props.secrets, 'initialize');

    const providerLogGroup = new logs.LogGroup(this, 'ProviderLogGroup', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const providerRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the migrations custom resource provider',
    });
    providerLogGroup.grantWrite(providerRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function.function,
      logGroup: providerLogGroup,
      frameworkOnEventRole: providerRole,
    });

    this.keyringBootstrap = new CustomResource(this, 'KeyringBootstrap', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::TokenKeyringBootstrap',
      properties: { Task: 'initialize-keyring', SecretArn: props.secrets.encryptionKey.secretArn },
    });

    this.schemaMigrations = new CustomResource(this, 'SchemaMigrations', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DatabaseMigrations',
      properties: {
        Task: 'apply-migrations',
        SqlHash: this.sqlDigest.hash,
        Migrations: this.sqlDigest.names.join(','),
        ClusterArn: props.database.cluster.clusterArn,
        Database: props.database.databaseName,
      },
    });
    // The cluster construct holds the writer instance: migrate only once it can answer.
    this.schemaMigrations.node.addDependency(props.database.cluster);

    acknowledgeWildcardResource(
      providerRole,
      `${this.function.function.functionArn}:*`,
      'The Provider framework may invoke any version of the one migration function; no other function.',
    );
  }
}
