import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Secret } from './state';

const FORMAT = 'secrets-manager-stand-in/v1';

/** The data file cannot be used; thrown at start instead of silently starting empty. */
export class SecretsDataFileError extends Error {
  override readonly name = 'SecretsDataFileError';
  readonly code = 'SECRETS_DATA_FILE_UNUSABLE';

  constructor(
    readonly path: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Secrets Manager stand-in data file ${path} ${problem}`, options);
  }
}

const epochMs = z.number().finite();

const secretValue = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('string'), value: z.string() }),
  z.object({ kind: z.literal('binary'), base64: z.string() }),
]);

const secretSchema = z.object({
  arn: z.string().startsWith('arn:'),
  name: z.string().min(1),
  createRequestToken: z.string(),
  description: z.string().optional(),
  kmsKeyId: z.string().optional(),
  tags: z.array(z.object({ Key: z.string(), Value: z.string() })),
  createdDate: epochMs,
  lastChangedDate: epochMs,
  lastAccessedDate: epochMs.optional(),
  deletionDate: epochMs.optional(),
  versions: z.array(
    z.object({
      versionId: z.string().min(1),
      value: secretValue,
      createdDate: epochMs,
      stages: z.array(z.string()),
    }),
  ),
});

const fileSchema = z.object({ format: z.literal(FORMAT), secrets: z.array(secretSchema) });

/** A missing file is a fresh start; anything unreadable stops the stand-in so no state is overwritten. */
export async function loadSecrets(path: string): Promise<Secret[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SecretsDataFileError(path, 'cannot be read.', { cause: error });
  }
  if (text.trim() === '') {
    throw new SecretsDataFileError(path, 'is empty; move it away or delete it to start with no secrets.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's own message quotes the file's text, which holds secret values: leave it out.
    throw new SecretsDataFileError(
      path,
      'is not valid JSON; move it away or delete it to start with no secrets.',
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? ` (at ${issue.path.join('.') || 'the top level'}: ${issue.message})` : '';
    throw new SecretsDataFileError(path, `does not hold stand-in state in the ${FORMAT} format${where}.`);
  }
  const names = new Set<string>();
  for (const secret of parsed.data.secrets) {
    if (names.has(secret.name))
      throw new SecretsDataFileError(path, `holds the secret ${secret.name} twice.`);
    names.add(secret.name);
  }
  return parsed.data.secrets;
}

/** Written beside the target and renamed over it, so a crash leaves the old file or the new, never half. */
export async function saveSecrets(path: string, secrets: readonly Secret[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ format: FORMAT, secrets }, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
