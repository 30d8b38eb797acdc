import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * `read`: the lease winner reads a company's credentials; `write`: store-credentials saves them;
 * `delete`: the company registry removes them (deleted credentials, deleted company, stale secret).
 */
export type CredentialsAccess = 'read' | 'write' | 'delete';
/** `read`: encrypt and decrypt tokens; `initialize`: also write the first keyring (deploy time only). */
export type EncryptionKeyAccess = 'read' | 'initialize';

/**
 * CloudFormation cannot generate the keyring JSON (it needs base64 of 32 random bytes), so the secret
 * starts as this marker and the deploy-time bootstrap replaces it with a real keyring once. The
 * marker is part of the contract with `functions/migrate-database`.
 */
import { KEYRING_PLACEHOLDER } from '@bluestakes/token-manager/constants';

/** The marker the keyring secret is created with; the migration function replaces it with a keyring. */
export { KEYRING_PLACEHOLDER };

const CREDENTIALS_ACTIONS: Readonly<Record<CredentialsAccess, readonly string[]>> = {
  read: ['secretsmanager:GetSecretValue'],
  // The library writes with PutSecretValue and creates the secret on first store; it never reads back.
  write: ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'],
  delete: ['secretsmanager:DeleteSecret'],
};

const ENCRYPTION_KEY_ACTIONS: Readonly<Record<EncryptionKeyAccess, readonly string[]>> = {
  read: ['secretsmanager:GetSecretValue'],
  initialize: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
};

export interface TokenServiceSecretsProps {
  /**
   * Per-company credentials live at `<prefix>/companies/<id>/bluestakes`; they are created at run
   * time by store-credentials, never by this stack.
   * @default 'bluestakes-token-service'
   */
  readonly credentialsSecretPrefix?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The token encryption keyring and the credentials namespace, with grants scoped to each. */
export class TokenServiceSecrets extends Construct {
  readonly encryptionKey: secretsmanager.Secret;
  readonly credentialsSecretPrefix: string;
  /** Matches every company's credentials secret and nothing else in the account. */
  readonly credentialsSecretArnPattern: string;

  constructor(scope: Construct, id: string, props: TokenServiceSecretsProps = {}) {
    super(scope, id);
    this.credentialsSecretPrefix = props.credentialsSecretPrefix ?? 'bluestakes-token-service';

    this.encryptionKey = new secretsmanager.Secret(this, 'EncryptionKey', {
      description:
        'AES-256-GCM keyring for cached Bluestakes tokens ({currentKeyId, keys}); see docs/deploy.md',
      // Never change these options: CloudFormation would generate a new value and overwrite the keyring.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ [KEYRING_PLACEHOLDER.field]: KEYRING_PLACEHOLDER.value }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    Validations.of(this.encryptionKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The keyring is rotated by adding a key and making it current (docs/deploy.md), never by replacing ' +
        'the value: a Secrets Manager rotation function would have to merge keys, and old tokens must ' +
        'stay readable until they expire.',
    });

    this.credentialsSecretArnPattern = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${this.credentialsSecretPrefix}/companies/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  grantEncryptionKey(grantee: iam.IGrantable, access: EncryptionKeyAccess): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...ENCRYPTION_KEY_ACTIONS[access]],
      resourceArns: [this.encryptionKey.secretArn],
    });
  }

  grantCredentials(grantee: iam.IGrantable, access: CredentialsAccess): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...CREDENTIALS_ACTIONS[access]],
      resourceArns: [this.credentialsSecretArnPattern],
    });
  }
}
