import { invalidParameter } from './errors';
import {
  type JsonObject,
  optionalBoolean,
  optionalDescription,
  optionalInteger,
  optionalKmsKeyId,
  optionalSecretValue,
  optionalTags,
  optionalVersionId,
  optionalVersionStage,
  optionalVersionStages,
  secretId,
  secretName,
} from './input';
import type { Secret, SecretVersion } from './state';
import type { SecretStore } from './store';

/** One awsJson1.1 operation: the parsed request body in, the response body out. */
export type Operation = (input: JsonObject, store: SecretStore) => JsonObject;

/** The wire format's timestamps are epoch seconds. */
const seconds = (epochMs: number): number => epochMs / 1000;

const secretValueMembers = (version: SecretVersion): JsonObject =>
  version.value.kind === 'string'
    ? { SecretString: version.value.value }
    : { SecretBinary: version.value.base64 };

const identity = (secret: Secret): { ARN: string; Name: string } => ({ ARN: secret.arn, Name: secret.name });

const describe = (secret: Secret): JsonObject => {
  const labelled = secret.versions.filter((version) => version.stages.length > 0);
  return {
    ...identity(secret),
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
    RotationEnabled: false,
    LastChangedDate: seconds(secret.lastChangedDate),
    ...(secret.lastAccessedDate === undefined ? {} : { LastAccessedDate: seconds(secret.lastAccessedDate) }),
    ...(secret.deletionDate === undefined ? {} : { DeletedDate: seconds(secret.deletionDate) }),
    ...(secret.tags.length === 0 ? {} : { Tags: secret.tags }),
    ...(labelled.length === 0
      ? {}
      : {
          VersionIdsToStages: Object.fromEntries(
            labelled.map((version) => [version.versionId, version.stages]),
          ),
        }),
    CreatedDate: seconds(secret.createdDate),
  };
};

const operations: Readonly<Record<string, Operation>> = {
  CreateSecret: (input, store) => {
    const { secret, version } = store.createSecret({
      name: secretName(input),
      requestToken: optionalVersionId(input, 'ClientRequestToken'),
      value: optionalSecretValue(input),
      description: optionalDescription(input),
      kmsKeyId: optionalKmsKeyId(input),
      tags: optionalTags(input),
    });
    return { ...identity(secret), ...(version ? { VersionId: version.versionId } : {}) };
  },

  GetSecretValue: (input, store) => {
    const { secret, version } = store.getSecretValue(secretId(input), {
      versionId: optionalVersionId(input, 'VersionId'),
      versionStage: optionalVersionStage(input, 'VersionStage'),
    });
    return {
      ...identity(secret),
      VersionId: version.versionId,
      ...secretValueMembers(version),
      VersionStages: version.stages,
      CreatedDate: seconds(version.createdDate),
    };
  },

  PutSecretValue: (input, store) => {
    const id = secretId(input);
    const value = optionalSecretValue(input);
    if (value === undefined) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    const { secret, version } = store.putSecretValue({
      secretId: id,
      requestToken: optionalVersionId(input, 'ClientRequestToken'),
      value,
      stages: optionalVersionStages(input),
    });
    return { ...identity(secret), VersionId: version.versionId, VersionStages: version.stages };
  },

  DescribeSecret: (input, store) => describe(store.describeSecret(secretId(input))),

  DeleteSecret: (input, store) => {
    const { secret, deletionDate } = store.deleteSecret({
      secretId: secretId(input),
      recoveryWindowInDays: optionalInteger(input, 'RecoveryWindowInDays'),
      forceDeleteWithoutRecovery: optionalBoolean(input, 'ForceDeleteWithoutRecovery'),
    });
    return { ...identity(secret), DeletionDate: seconds(deletionDate) };
  },

  UpdateSecret: (input, store) => {
    const { secret, version } = store.updateSecret({
      secretId: secretId(input),
      requestToken: optionalVersionId(input, 'ClientRequestToken'),
      value: optionalSecretValue(input),
      description: optionalDescription(input),
      kmsKeyId: optionalKmsKeyId(input),
    });
    return { ...identity(secret), ...(version ? { VersionId: version.versionId } : {}) };
  },

  RestoreSecret: (input, store) => identity(store.restoreSecret(secretId(input))),
};

/** Own keys only, so a target like `secretsmanager.toString` is unknown rather than a crash. */
export const operationNamed = (name: string): Operation | undefined =>
  Object.hasOwn(operations, name) ? operations[name] : undefined;
