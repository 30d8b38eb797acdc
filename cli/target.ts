import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { ApiTarget } from './api-client';
import { UsageError } from './usage-error';

/** Where the CLI points: flags first, then the environment, or a deployed stack's outputs. */
export interface TargetFlags {
  readonly api?: string | undefined;
  readonly key?: string | undefined;
  readonly stack?: string | undefined;
  readonly region?: string | undefined;
  /** Which of the stack's API keys (`ApiKeyIds` output); the first by default. */
  readonly keyId?: string | undefined;
}

export interface ResolvedTarget {
  readonly api: ApiTarget;
  /** The token keyring secret, when known (stack output or TOKEN_ENCRYPTION_KEY_SECRET_ID). */
  readonly keySecretId: string | undefined;
  /** For messages: where the URL came from. */
  readonly source: string;
}

/** Could not find the target (stack missing, output missing, AWS refused): exit code 3. */
export class TargetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetError';
  }
}

export interface StackLookup {
  outputs(stackName: string, region: string | undefined): Promise<Record<string, string>>;
  apiKeyValue(apiKeyId: string, region: string | undefined): Promise<string>;
}

/** Reads outputs and key values through the AWS SDK with the caller's usual credentials chain. */
export const awsStackLookup: StackLookup = {
  async outputs(stackName, region) {
    const client = new CloudFormationClient(region === undefined ? {} : { region });
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(
      outputs.flatMap((output) =>
        output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
  },
  async apiKeyValue(apiKeyId, region) {
    const client = new APIGatewayClient(region === undefined ? {} : { region });
    const { value } = await client.send(new GetApiKeyCommand({ apiKey: apiKeyId, includeValue: true }));
    if (value === undefined) throw new TargetError(`API key ${apiKeyId} has no readable value`);
    return value;
  },
};

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function fromStack(
  flags: TargetFlags,
  stackName: string,
  lookup: StackLookup,
): Promise<ResolvedTarget> {
  let outputs: Record<string, string>;
  try {
    outputs = await lookup.outputs(stackName, flags.region);
  } catch (error) {
    throw new TargetError(
      `Could not read the outputs of stack ${stackName} (${describe(error)}). Check the stack name, ` +
        '--region (or AWS_REGION) and your AWS credentials (cloudformation:DescribeStacks)',
      { cause: error },
    );
  }
  const url = outputs.ApiUrl;
  if (url === undefined)
    throw new TargetError(`Stack ${stackName} has no ApiUrl output; is it this service's stack?`);
  let key = flags.key;
  if (key === undefined) {
    const ids = (outputs.ApiKeyIds ?? '').split(',').filter((id) => id !== '');
    const keyId = flags.keyId ?? ids[0];
    if (keyId === undefined) throw new TargetError(`Stack ${stackName} has no ApiKeyIds output; pass --key`);
    try {
      key = await lookup.apiKeyValue(keyId, flags.region);
    } catch (error) {
      throw new TargetError(
        `Could not read API key ${keyId} (${describe(error)}). It needs apigateway:GET on the key; or pass --key`,
        { cause: error },
      );
    }
  }
  return { api: { url, key }, keySecretId: outputs.EncryptionKeySecretArn, source: `stack ${stackName}` };
}

/**
 * The API URL and key from `--api`/`--key`, BLUESTAKES_API_URL/BLUESTAKES_API_KEY, or `--stack`
 * (BLUESTAKES_STACK), whose outputs and API key value are read through the AWS SDK.
 *
 * @throws UsageError when nothing says where to go; TargetError when the stack cannot be read
 */
export async function resolveTarget(
  flags: TargetFlags,
  env: Readonly<Record<string, string | undefined>>,
  lookup: StackLookup = awsStackLookup,
): Promise<ResolvedTarget> {
  const keySecretId = env.TOKEN_ENCRYPTION_KEY_SECRET_ID || undefined;
  const stackName = flags.stack ?? (env.BLUESTAKES_STACK || undefined);
  const url = flags.api ?? (env.BLUESTAKES_API_URL || undefined);
  if (flags.api === undefined && stackName !== undefined) {
    const target = await fromStack(
      { ...flags, key: flags.key ?? (env.BLUESTAKES_API_KEY || undefined) },
      stackName,
      lookup,
    );
    return { ...target, keySecretId: target.keySecretId ?? keySecretId };
  }
  if (url === undefined) {
    throw new UsageError(
      'No target: pass --api URL --key KEY, set BLUESTAKES_API_URL and BLUESTAKES_API_KEY, or pass --stack NAME',
    );
  }
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--api must be an http(s) URL, got "${url}"`);
  const key = flags.key ?? (env.BLUESTAKES_API_KEY || undefined);
  if (key === undefined) throw new UsageError('No API key: pass --key KEY or set BLUESTAKES_API_KEY');
  return { api: { url, key }, keySecretId, source: flags.api === undefined ? 'BLUESTAKES_API_URL' : '--api' };
}
