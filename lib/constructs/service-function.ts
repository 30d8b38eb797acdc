import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { dataApiResumeBudgetMs } from '../config';
import { acknowledgeWildcardResource } from '../nag';
import type { TokenDatabase } from './database';
import type { CredentialsAccess, EncryptionKeyAccess, TokenServiceSecrets } from './secrets';
import { relativeSourceMapCommand } from './source-maps';
import { LAYER_PACKAGE_NAME } from './token-manager-layer';

/**
 * How every function is bundled. CommonJS, because an ESM bundle's bare `import` of the layer package
 * does not resolve through NODE_PATH. Exported so the bundling test builds with exactly these options.
 * No source maps unless `sourceMaps` is set (see ServiceFunctionProps).
 */
export const FUNCTION_BUNDLE = {
  format: 'cjs',
  target: 'node22',
  minify: true,
  keepNames: true,
  /**
   * Only the library comes from the layer (which also carries the SDK clients it uses). Any other
   * package a handler imports, an AWS SDK client included, is bundled at its pinned version: nothing is
   * left to the runtime's copy.
   */
  externalModules: [LAYER_PACKAGE_NAME],
} as const;

export interface ServiceFunctionProps {
  /** Absolute path of the handler file (`functions/<folder>/handler.ts`, exporting `handler`). */
  readonly entry: string;
  /** Folder holding `package-lock.json`; the entry must be inside it. */
  readonly projectRoot: string;
  /** The token-manager layer; attached to every function. */
  readonly layer: lambda.ILayerVersion;
  readonly description: string;
  /** @default Duration.seconds(15) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Settings that carry no permission (TTL, rate limit...). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Shell commands run after esbuild, e.g. to copy data files next to the bundle. @default - none */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
  /**
   * Ship a source map and run with `--enable-source-maps`, so stack traces name the TypeScript
   * lines. Off by default: Node.js then parses every map at each cold start (measured: tens of ms of
   * CPU for a handler and the layer), while `keepNames` already keeps function names in traces.
   * @default false
   */
  readonly sourceMaps?: boolean;
}

export interface BindDatabaseOptions {
  /**
   * How long one Data API call may keep retrying while an auto-paused cluster resumes.
   * @default - 45 s, or the function timeout minus 5 s if that is shorter
   */
  readonly resumeRetryBudget?: Duration;
}

const MAX_TIMEOUT = Duration.minutes(15);

/** The caller's hook plus, with source maps, the rewrite that keeps the asset hash independent of paths. */
function functionAfterBundling(
  projectRoot: string,
  sourceMaps: boolean,
  extra: ServiceFunctionProps['afterBundling'],
): ServiceFunctionProps['afterBundling'] {
  if (!sourceMaps) return extra;
  return (inputDir, outputDir) => [
    relativeSourceMapCommand(`${outputDir}/index.js.map`, projectRoot),
    ...(extra?.(inputDir, outputDir) ?? []),
  ];
}

/**
 * The team's Lambda: Node.js 22 on arm64, bounded timeout and memory, its own log group with a
 * retention, X-Ray tracing, a CJS bundle built by local esbuild, and the token-manager layer attached
 * with the library left external.
 *
 * Access is added only through the `bind*` methods, each of which sets the environment variables
 * AND grants the matching permissions, so a variable can never point at something the role cannot
 * use, nor a permission exist that no variable explains.
 */
export class ServiceFunction extends Construct implements iam.IGrantable {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  private readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? Duration.seconds(15);
    if (this.timeout.toMilliseconds() > MAX_TIMEOUT.toMilliseconds() || this.timeout.toSeconds() < 1) {
      throw new Error(`${this.node.path}: timeout must be between 1 second and 15 minutes`);
    }

    const sourceMaps = props.sourceMaps ?? false;
    const afterBundling = functionAfterBundling(props.projectRoot, sourceMaps, props.afterBundling);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to its
    // own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: this.timeout,
      memorySize: props.memorySize ?? 512,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      layers: [props.layer],
      environment: { ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}), ...props.environment },
      bundling: {
        format: nodejs.OutputFormat.CJS,
        target: FUNCTION_BUNDLE.target,
        minify: FUNCTION_BUNDLE.minify,
        keepNames: FUNCTION_BUNDLE.keepNames,
        sourceMap: sourceMaps,
        ...(sourceMaps ? { sourcesContent: false } : {}),
        externalModules: [...FUNCTION_BUNDLE.externalModules],
        // Problems only: the per-file size report says nothing at each synth.
        logLevel: nodejs.LogLevel.WARNING,
        forceDockerBundling: false,
        ...(afterBundling === undefined
          ? {}
          : { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling } }),
      },
    });
    this.grantPrincipal = role;

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Added by active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no ' +
          'resource-level permissions. No other statement of this role uses a wildcard resource.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is pinned on purpose: the layer is built for node22 and declares nodejs22.x only, so ' +
          'the functions and the layer move to a newer runtime together, in one tested change.',
      },
    );
  }

  /** Sets the Data API variables and grants the rds-data actions on the cluster plus the secret read. */
  bindDatabase(database: TokenDatabase, options: BindDatabaseOptions = {}): this {
    const budgetMs =
      options.resumeRetryBudget?.toMilliseconds() ?? dataApiResumeBudgetMs(this.timeout.toMilliseconds());
    this.function.addEnvironment('DATABASE_RESOURCE_ARN', database.cluster.clusterArn);
    this.function.addEnvironment('DATABASE_SECRET_ARN', database.secret.secretArn);
    this.function.addEnvironment('DATABASE_NAME', database.databaseName);
    this.function.addEnvironment('DATA_API_RESUME_BUDGET_MS', String(budgetMs));
    database.grantDataApiAccess(this);
    return this;
  }

  /** Sets TOKEN_ENCRYPTION_KEY_SECRET_ID and grants access to that one secret. */
  bindEncryptionKey(secrets: TokenServiceSecrets, access: EncryptionKeyAccess = 'read'): this {
    this.function.addEnvironment('TOKEN_ENCRYPTION_KEY_SECRET_ID', secrets.encryptionKey.secretArn);
    secrets.grantEncryptionKey(this, access);
    return this;
  }

  /** Sets CREDENTIALS_SECRET_PREFIX and grants access to `<prefix>/companies/*` only. */
  bindCredentials(secrets: TokenServiceSecrets, access: CredentialsAccess): this {
    this.function.addEnvironment('CREDENTIALS_SECRET_PREFIX', secrets.credentialsSecretPrefix);
    secrets.grantCredentials(this, access);
    acknowledgeWildcardResource(
      this,
      secrets.credentialsSecretArnPattern,
      'One secret per company, created at run time: the wildcard covers exactly <prefix>/companies/* ' +
        '(the company id and the random suffix Secrets Manager appends), nothing else in the account.',
    );
    return this;
  }
}
