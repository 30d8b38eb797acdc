/**
 * The stand-in's secrets and their versions, with the service's staging-label rules. One class just
 * past 300 lines: every operation reads and moves the same AWSCURRENT/AWSPREVIOUS labels.
 */
import { randomUUID } from 'node:crypto';
import { partialArn, secretArn } from './arn';
import {
  invalidParameter,
  markedForDeletion,
  ServiceError,
  secretNotFound,
  secretValueNotFound,
} from './errors';
import type { SecretValue, Tag } from './input';
import type { Secret, SecretVersion } from './state';

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const DAY_MS = 86_400_000;
const MAX_VERSIONS = 100;

export interface CreateSecretArgs {
  readonly name: string;
  readonly requestToken?: string;
  readonly value?: SecretValue;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags?: readonly Tag[];
}

export interface NewVersionArgs {
  readonly secretId: string;
  readonly requestToken?: string;
  readonly value: SecretValue;
  readonly stages?: readonly string[];
}

export interface UpdateSecretArgs {
  readonly secretId: string;
  readonly requestToken?: string;
  readonly value?: SecretValue;
  readonly description?: string;
  readonly kmsKeyId?: string;
}

export interface DeleteSecretArgs {
  readonly secretId: string;
  readonly recoveryWindowInDays?: number;
  readonly forceDeleteWithoutRecovery?: boolean;
}

export interface VersionSelector {
  readonly versionId?: string;
  readonly versionStage?: string;
}

export interface SecretAndVersion {
  readonly secret: Secret;
  readonly version?: SecretVersion;
}

const sameValue = (a: SecretValue | undefined, b: SecretValue | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'binary' && b.kind === 'binary') return a.base64 === b.base64;
  return false;
};

/**
 * The secrets and their versions, with the real service's rules for staging labels, idempotency and
 * recovery windows. Every method runs synchronously, so concurrent requests never interleave inside one.
 */
export class SecretStore {
  private readonly byName = new Map<string, Secret>();
  private changed = false;

  constructor(
    secrets: readonly Secret[],
    private readonly region: string,
    private readonly now: () => number = Date.now,
  ) {
    for (const secret of secrets) this.byName.set(secret.name, secret);
  }

  snapshot(): readonly Secret[] {
    return [...this.byName.values()];
  }

  /** True once after any mutation, so the caller knows to persist. */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  createSecret(args: CreateSecretArgs): SecretAndVersion {
    this.purgeExpired();
    const existing = this.byName.get(args.name);
    if (existing) return this.retriedCreate(existing, args);

    const now = this.now();
    const requestToken = args.requestToken ?? randomUUID();
    const secret: Secret = {
      arn: secretArn(this.region, args.name),
      name: args.name,
      createRequestToken: requestToken,
      tags: [...(args.tags ?? [])],
      createdDate: now,
      lastChangedDate: now,
      versions: [],
    };
    if (args.description !== undefined) secret.description = args.description;
    if (args.kmsKeyId !== undefined) secret.kmsKeyId = args.kmsKeyId;
    this.byName.set(secret.name, secret);
    this.changed = true;
    if (args.value === undefined) return { secret };
    return { secret, version: this.addVersion(secret, requestToken, args.value, [CURRENT]) };
  }

  getSecretValue(secretId: string, selector: VersionSelector): SecretAndVersion & { version: SecretVersion } {
    const secret = this.liveSecret(secretId);
    const version = this.selectVersion(secret, selector);
    const today = Math.floor(this.now() / DAY_MS) * DAY_MS;
    if (secret.lastAccessedDate !== today) {
      secret.lastAccessedDate = today;
      this.changed = true;
    }
    return { secret, version };
  }

  describeSecret(secretId: string): Secret {
    return this.secret(secretId);
  }

  putSecretValue(args: NewVersionArgs): SecretAndVersion & { version: SecretVersion } {
    const secret = this.liveSecret(args.secretId);
    const version = this.retriedVersion(secret, args.requestToken, args.value);
    if (version) return { secret, version };
    secret.lastChangedDate = this.now();
    return {
      secret,
      version: this.addVersion(
        secret,
        args.requestToken ?? randomUUID(),
        args.value,
        args.stages ?? [CURRENT],
      ),
    };
  }

  updateSecret(args: UpdateSecretArgs): SecretAndVersion {
    const secret = this.liveSecret(args.secretId);
    const retried = args.value && this.retriedVersion(secret, args.requestToken, args.value);
    if (retried) return { secret, version: retried };

    if (args.description !== undefined) secret.description = args.description;
    if (args.kmsKeyId !== undefined) secret.kmsKeyId = args.kmsKeyId;
    secret.lastChangedDate = this.now();
    this.changed = true;
    if (args.value === undefined) return { secret };
    return {
      secret,
      version: this.addVersion(secret, args.requestToken ?? randomUUID(), args.value, [CURRENT]),
    };
  }

  deleteSecret(args: DeleteSecretArgs): { secret: Secret; deletionDate: number } {
    if (args.forceDeleteWithoutRecovery && args.recoveryWindowInDays !== undefined) {
      throw invalidParameter(
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    const days = args.recoveryWindowInDays ?? 30;
    if (days < 7 || days > 30) {
      throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const secret = this.secret(args.secretId);
    const now = this.now();
    this.changed = true;
    if (args.forceDeleteWithoutRecovery) {
      this.byName.delete(secret.name);
      return { secret, deletionDate: now };
    }
    if (secret.deletionDate !== undefined) throw markedForDeletion();
    secret.deletionDate = now + days * DAY_MS;
    secret.lastChangedDate = now;
    return { secret, deletionDate: secret.deletionDate };
  }

  restoreSecret(secretId: string): Secret {
    const secret = this.secret(secretId);
    if (secret.deletionDate !== undefined) {
      delete secret.deletionDate;
      secret.lastChangedDate = this.now();
      this.changed = true;
    }
    return secret;
  }

  private retriedCreate(existing: Secret, args: CreateSecretArgs): SecretAndVersion {
    if (existing.deletionDate !== undefined) {
      throw new ServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    const token = args.requestToken;
    const version = existing.versions.find((candidate) => candidate.versionId === token);
    if (
      token === undefined ||
      existing.createRequestToken !== token ||
      !sameValue(version?.value, args.value)
    ) {
      throw new ServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${existing.name} already exists.`,
      );
    }
    return version ? { secret: existing, version } : { secret: existing };
  }

  /** A version id is the request token, so a retry finds the version its first attempt made. */
  private retriedVersion(
    secret: Secret,
    requestToken: string | undefined,
    value: SecretValue,
  ): SecretVersion | undefined {
    const existing = secret.versions.find((version) => version.versionId === requestToken);
    if (existing && !sameValue(existing.value, value)) {
      throw new ServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    return existing;
  }

  private addVersion(
    secret: Secret,
    versionId: string,
    value: SecretValue,
    stages: readonly string[],
  ): SecretVersion {
    const version: SecretVersion = { versionId, value, createdDate: this.now(), stages: [] };
    secret.versions.push(version);
    for (const stage of stages) this.moveStage(secret, stage, version);
    this.pruneVersions(secret);
    this.changed = true;
    return version;
  }

  /** A label lives on one version; AWSCURRENT leaving a version leaves AWSPREVIOUS behind on it. */
  private moveStage(secret: Secret, stage: string, target: SecretVersion): void {
    const holder = secret.versions.find((version) => version !== target && version.stages.includes(stage));
    if (holder) {
      holder.stages = holder.stages.filter((label) => label !== stage);
      if (stage === CURRENT) {
        for (const version of secret.versions) {
          version.stages = version.stages.filter((label) => label !== PREVIOUS);
        }
        holder.stages.push(PREVIOUS);
      }
    }
    if (!target.stages.includes(stage)) target.stages.push(stage);
  }

  /** Versions without a label are deprecated; like the real service, keep only so many of them. */
  private pruneVersions(secret: Secret): void {
    while (secret.versions.length > MAX_VERSIONS) {
      const oldest = secret.versions.findIndex((version) => version.stages.length === 0);
      if (oldest < 0) return;
      secret.versions.splice(oldest, 1);
    }
  }

  private selectVersion(secret: Secret, { versionId, versionStage }: VersionSelector): SecretVersion {
    if (versionId !== undefined) {
      const version = secret.versions.find((candidate) => candidate.versionId === versionId);
      if (!version || (versionStage !== undefined && !version.stages.includes(versionStage))) {
        const stage = versionStage === undefined ? '' : ` and staging label: ${versionStage}`;
        throw secretValueNotFound(`VersionId: ${versionId}${stage}`);
      }
      return version;
    }
    const stage = versionStage ?? CURRENT;
    const version = secret.versions.find((candidate) => candidate.stages.includes(stage));
    if (!version) throw secretValueNotFound(`staging label: ${stage}`);
    return version;
  }

  private liveSecret(secretId: string): Secret {
    const secret = this.secret(secretId);
    if (secret.deletionDate !== undefined) throw markedForDeletion();
    return secret;
  }

  private secret(secretId: string): Secret {
    this.purgeExpired();
    const secret = secretId.startsWith('arn:')
      ? [...this.byName.values()].find(
          (candidate) => candidate.arn === secretId || partialArn(candidate.arn) === secretId,
        )
      : this.byName.get(secretId);
    if (!secret) throw secretNotFound();
    return secret;
  }

  private purgeExpired(): void {
    const now = this.now();
    for (const secret of this.byName.values()) {
      if (secret.deletionDate !== undefined && secret.deletionDate <= now) {
        this.byName.delete(secret.name);
        this.changed = true;
      }
    }
  }
}
