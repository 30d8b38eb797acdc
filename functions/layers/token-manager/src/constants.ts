/**
 * Values the deployment shares with the runtime. This module imports nothing, so CDK code can read
 * them during synth without loading Powertools or the AWS SDK (the `/constants` subpath).
 */

/** Powertools' `service`: the default dimension of every metric and a field of every log line. */
export const SERVICE_NAME = 'bluestakes-token-service';

/** Where the library's EMF metrics land. */
export const METRICS_NAMESPACE = 'BluestakesTokenService';

/**
 * The marker a deployment writes into the key secret before the first keyring exists (CloudFormation
 * cannot generate the keyring JSON itself). Only this exact marker is ever replaced.
 */
export const KEYRING_PLACEHOLDER = { field: 'keyringStatus', value: 'uninitialized' } as const;
