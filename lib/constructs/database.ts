import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatabaseRemovalPolicy } from '../config';

/**
 * Major version only. Every 17.x supports the Data API and auto-pause (min 0 ACU). A pinned minor
 * (e.g. 17.7) fights `autoMinorVersionUpgrade`: once AWS moves the cluster to a newer 17.x, any deploy
 * that sends the pinned version asks RDS for a downgrade and fails. With `17` CloudFormation creates
 * the cluster on the current default 17.x and leaves later minor upgrades to RDS. Moving to 18 is a
 * deliberate major upgrade: change both values here.
 */
export const AURORA_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.of('17', '17');

export interface TokenDatabaseProps {
  /** PostgreSQL database created in the cluster. @default 'bluestakes' */
  readonly databaseName?: string;
  /** Aurora Serverless v2 minimum ACUs; 0 enables auto-pause. @default 0 */
  readonly minCapacity?: number;
  /** Aurora Serverless v2 maximum ACUs. @default 4 */
  readonly maxCapacity?: number;
  /** Idle time before an auto-pause; used only when `minCapacity` is 0. @default Duration.minutes(5) */
  readonly autoPause?: Duration;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default 'snapshot' */
  readonly removalPolicy?: DatabaseRemovalPolicy;
  /** Retention of the VPC flow log. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

const REMOVAL_POLICIES: Readonly<Record<DatabaseRemovalPolicy, RemovalPolicy>> = {
  destroy: RemovalPolicy.DESTROY,
  retain: RemovalPolicy.RETAIN,
  snapshot: RemovalPolicy.SNAPSHOT,
};

/**
 * The L2 store: Aurora PostgreSQL Serverless v2 with the Data API, in a VPC of isolated subnets only.
 * Nothing connects over the network: Lambdas use the Data API over HTTPS, so there is no NAT, no
 * ingress rule and no VPC for the functions.
 */
export class TokenDatabase extends Construct {
  readonly cluster: rds.DatabaseCluster;
  /** The generated master credentials; the Data API authenticates with it. */
  readonly secret: secretsmanager.ISecret;
  readonly databaseName: string;
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: TokenDatabaseProps = {}) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'bluestakes';
    const minCapacity = props.minCapacity ?? 0;
    const removalPolicy = props.removalPolicy ?? 'snapshot';

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        rejected: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogGroup', {
              retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
        },
      },
    });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_ENGINE_VERSION }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: props.maxCapacity ?? 4,
      ...(minCapacity === 0 ? { serverlessV2AutoPauseDuration: props.autoPause ?? Duration.minutes(5) } : {}),
      enableDataApi: true,
      credentials: rds.Credentials.fromGeneratedSecret('token_service_admin'),
      defaultDatabaseName: this.databaseName,
      storageEncrypted: true,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: REMOVAL_POLICIES[removalPolicy],
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      backup: { retention: Duration.days(7) },
      copyTagsToSnapshot: true,
    });
    this.secret = this.cluster.secret!;
    // A final snapshot (or a retained cluster) is only usable with its master password: keep the secret
    // holding it for as long as the data, instead of deleting it with the stack.
    if (removalPolicy !== 'destroy') {
      (this.cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(
        RemovalPolicy.RETAIN,
      );
    }

    Validations.of(this.cluster).acknowledge(
      {
        id: 'AwsSolutions-RDS11',
        reason:
          'The cluster has no ingress rule and sits in isolated subnets; only the Data API reaches it, so a ' +
          'non-default port would hide nothing.',
      },
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the master secret needs a rotation Lambda inside the isolated VPC plus a Secrets Manager ' +
          'interface endpoint; the Data API reads the secret on every call, so rotation can be enabled later ' +
          'without a code change (see docs/deploy.md).',
      },
      {
        id: 'AwsSolutions-RDS6',
        reason:
          'No client authenticates to PostgreSQL directly: the Data API signs in with the Secrets Manager ' +
          'secret, and access is granted per function through rds-data IAM actions on the cluster ARN.',
      },
    );
    if (!(props.deletionProtection ?? true)) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection switched off by the databaseDeletionProtection context setting.',
      });
    }
  }

  /**
   * The five rds-data actions on the cluster ARN plus read access to the master secret: exactly what
   * a Data API caller needs.
   */
  grantDataApiAccess(grantee: iam.IGrantable): iam.Grant {
    return this.cluster.grantDataApiAccess(grantee);
  }
}
