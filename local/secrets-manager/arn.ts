import { randomInt } from 'node:crypto';

const ACCOUNT_ID = '000000000000';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Like the real service, every secret gets six random characters so a re-created name has a new ARN. */
export function secretArn(region: string, name: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i += 1) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
}

/** The partial ARN (without the random suffix) that the real service also accepts as a SecretId. */
export function partialArn(arn: string): string {
  return arn.slice(0, -'-XXXXXX'.length);
}
