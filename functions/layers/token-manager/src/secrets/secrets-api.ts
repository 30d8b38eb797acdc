/**
 * The Secrets Manager calls the library makes, narrowed to strings: the port the credentials store and
 * the keyring depend on. `wiring/secrets-manager.ts` adapts the SDK client to it.
 */
export interface SecretsApi {
  /** The secret's string value; undefined when it holds none. */
  getSecretString(secretId: string): Promise<string | undefined>;
  putSecretString(secretId: string, secretString: string): Promise<void>;
  createSecret(name: string, secretString: string, description: string): Promise<void>;
  /** Deletes at once, without a recovery window. */
  deleteSecretNow(secretId: string): Promise<void>;
  /** True when `error`, thrown by one of the calls above, says the secret does not exist. */
  isNotFound(error: unknown): boolean;
}
