import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotateTokenKeyring } from '@bluestakes/token-manager/internal';
import { type Command, stringOption } from '../command';
import { EXIT } from '../io';
import { TargetError } from '../target';
import { UsageError } from '../usage-error';

export const rotateKeyCommand: Command = {
  name: 'rotate-key',
  usage: '[--key-secret-id ARN]   (or --stack NAME, or TOKEN_ENCRYPTION_KEY_SECRET_ID)',
  summary: 'Add a new token encryption key and make it current; old keys keep decrypting',
  options: { 'key-secret-id': { type: 'string' } },
  async run(context) {
    let secretId =
      stringOption(context, 'key-secret-id') ?? (context.io.env.TOKEN_ENCRYPTION_KEY_SECRET_ID || undefined);
    const stack = context.flags.stack ?? (context.io.env.BLUESTAKES_STACK || undefined);
    if (secretId === undefined && stack !== undefined) {
      const outputs = await context.lookup.outputs(stack, context.flags.region).catch((error: unknown) => {
        throw new TargetError(`Could not read the outputs of stack ${stack}: ${String(error)}`, {
          cause: error,
        });
      });
      secretId = outputs.EncryptionKeySecretArn;
      if (secretId === undefined)
        throw new TargetError(`Stack ${stack} has no EncryptionKeySecretArn output`);
    }
    if (secretId === undefined) {
      throw new UsageError(
        'Which keyring? Pass --key-secret-id ARN, --stack NAME, or set TOKEN_ENCRYPTION_KEY_SECRET_ID',
      );
    }
    const region = context.flags.region;
    const rotation = await rotateTokenKeyring(
      new SecretsManagerClient(region === undefined ? {} : { region }),
      secretId,
    );
    context.print(
      `Current key: ${rotation.currentKeyId}; kept: ${rotation.keyIds.join(', ')}\n` +
        'Warm containers pick it up within 10 minutes. Remove old keys only after twice the longest token lifetime.\n',
      rotation,
    );
    return EXIT.OK;
  },
};
