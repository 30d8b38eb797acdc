import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag';
import type { TokenDatabase } from './database';
import type { TokenServiceSecrets } from './secrets';

export interface TokenConsumerAccessProps {
  readonly database: TokenDatabase;
  readonly secrets: TokenServiceSecrets;
}

/**
 * What another team's Lambda needs to call `getOrRefreshToken` through the layer, as one managed
 * policy to attach to its role: the Data API on the cluster, the database secret, the token keyring
 * (read) and the companies' credentials (read, only the lease winner uses it).
 */
export class TokenConsumerAccess extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: TokenConsumerAccessProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Lets a Lambda using the @bluestakes/token-manager layer get Bluestakes tokens',
    });
    // The same grant methods the stack's own functions use, so the policy cannot drift from them.
    const grantee: iam.IGrantable = { grantPrincipal: new ManagedPolicyPrincipal(this.policy) };
    props.database.grantDataApiAccess(grantee);
    props.secrets.grantEncryptionKey(grantee, 'read');
    props.secrets.grantCredentials(grantee, 'read');
    acknowledgeWildcardResource(
      this.policy,
      props.secrets.credentialsSecretArnPattern,
      'A consumer reads the credentials of whichever company it asks a token for: the wildcard covers ' +
        'exactly <prefix>/companies/*, nothing else in the account.',
    );
  }
}

/** Lets `grant*` methods write into a managed policy, which is not a principal itself. */
class ManagedPolicyPrincipal extends iam.PrincipalBase {
  readonly policyFragment = new iam.PrincipalPolicyFragment({});
  // Same account as the resources: otherwise grants fall back to resource policies without a principal.
  override readonly principalAccount: string;

  constructor(private readonly policy: iam.ManagedPolicy) {
    super();
    this.principalAccount = Stack.of(policy).account;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  dedupeString(): string | undefined {
    return undefined;
  }
}
