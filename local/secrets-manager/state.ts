import type { SecretValue, Tag } from './input';

/** The stand-in's whole state: what the data file holds and what the store mutates. Dates are epoch ms. */
export interface SecretVersion {
  readonly versionId: string;
  readonly value: SecretValue;
  readonly createdDate: number;
  stages: string[];
}

export interface Secret {
  readonly arn: string;
  readonly name: string;
  /** Kept so a retried CreateSecret (same ClientRequestToken) succeeds instead of clashing with itself. */
  readonly createRequestToken: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  readonly createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** Set while the secret waits out its recovery window; the secret is purged once this passes. */
  deletionDate?: number;
  /** Oldest first. */
  versions: SecretVersion[];
}
