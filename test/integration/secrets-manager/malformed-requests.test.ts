import { connect } from 'node:net';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../../local/secrets-manager';
import { secretsClient, uniqueName } from './sdk-client';

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;
let probeName: string;

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn();
  client = secretsClient(standIn.url);
  probeName = uniqueName('probe');
  await client.send(new CreateSecretCommand({ Name: probeName, SecretString: 'still here' }));
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
});

type RequestBody = NonNullable<RequestInit['body']>;

interface RawAnswer {
  readonly status: number;
  readonly errorType: string | null;
  readonly contentType: string | null;
  readonly body: unknown;
}

async function rawCall(options: {
  target?: string;
  body?: RequestBody;
  method?: string;
}): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (options.target !== undefined) headers['x-amz-target'] = options.target;
  const response = await fetch(standIn.url, {
    method: options.method ?? 'POST',
    headers,
    body: options.body,
    // Needed by fetch for a streamed (chunked) body.
    duplex: 'half',
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    contentType: response.headers.get('content-type'),
    body: await response.json(),
  };
}

const getSecretValue = (body: string | Uint8Array): Promise<RawAnswer> =>
  rawCall({ target: 'secretsmanager.GetSecretValue', body });

async function expectStillServing(): Promise<void> {
  const value = await client.send(new GetSecretValueCommand({ SecretId: probeName }));
  expect(value.SecretString).toBe('still here');
}

describe('bad request bodies', () => {
  it('answers malformed JSON with SerializationException in the awsJson error shape', async () => {
    const answer = await getSecretValue('{"SecretId": ');

    expect(answer).toMatchObject({
      status: 400,
      errorType: 'SerializationException',
      contentType: 'application/x-amz-json-1.1',
      body: { __type: 'SerializationException', message: expect.any(String) },
    });
    await expectStillServing();
  });

  it.each(['[]', '"SecretId"', '42', 'null'])(
    'answers the non-object body %s with SerializationException',
    async (body) => {
      const answer = await getSecretValue(body);
      expect(answer).toMatchObject({ status: 400, errorType: 'SerializationException' });
    },
  );

  it('answers a member of the wrong type with SerializationException', async () => {
    const answer = await getSecretValue(JSON.stringify({ SecretId: 42 }));
    expect(answer).toMatchObject({ status: 400, errorType: 'SerializationException' });
  });

  it('answers bytes that are not UTF-8 text with SerializationException', async () => {
    const answer = await getSecretValue(Uint8Array.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]));
    expect(answer).toMatchObject({ status: 400, errorType: 'SerializationException' });
    await expectStillServing();
  });

  it('survives deeply nested JSON', async () => {
    const depth = 100_000;
    const answer = await getSecretValue(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    expect(answer.status).toBe(400);
    await expectStillServing();
  });

  it.each([
    ['with a Content-Length', (bytes: Uint8Array): RequestBody => bytes],
    ['chunked', (bytes: Uint8Array): RequestBody => new Blob([bytes]).stream()],
  ])('answers a body over 1 MiB sent %s with 413 and keeps serving', async (_, asBody) => {
    const huge = new TextEncoder().encode(
      JSON.stringify({ SecretId: probeName, Padding: 'x'.repeat(2 * 1024 * 1024) }),
    );
    const answer = await rawCall({ target: 'secretsmanager.GetSecretValue', body: asBody(huge) });

    expect(answer).toMatchObject({
      status: 413,
      errorType: 'RequestEntityTooLargeException',
      body: { __type: 'RequestEntityTooLargeException' },
    });
    await expectStillServing();
  });

  it('keeps serving after a client hangs up in the middle of a body', async () => {
    const { hostname, port } = new URL(standIn.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST / HTTP/1.1\r\nHost: stand-in\r\nX-Amz-Target: secretsmanager.GetSecretValue\r\n' +
            'Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{"SecretId":',
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    await expectStillServing();
  });
});

describe('bad targets', () => {
  it('answers a request without X-Amz-Target with UnknownOperationException', async () => {
    const answer = await rawCall({ body: '{}' });
    expect(answer).toMatchObject({
      status: 400,
      errorType: 'UnknownOperationException',
      body: { __type: 'UnknownOperationException' },
    });
  });

  it.each([
    'secretsmanager.RotateSecret',
    'secretsmanager.constructor',
    'AmazonSSM.GetParameter',
    'secretsmanager.',
    'GetSecretValue',
  ])('answers the target %s with UnknownOperationException and counts no call', async (target) => {
    const before = standIn.stats.calls;
    const answer = await rawCall({ target, body: '{}' });

    expect(answer).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
    expect(standIn.stats.calls).toEqual(before);
  });

  it('answers a GET with 405', async () => {
    const answer = await rawCall({ method: 'GET', target: 'secretsmanager.GetSecretValue' });
    expect(answer.status).toBe(405);
    await expectStillServing();
  });
});

describe('the SDK after all of the above', () => {
  it('still reads and writes secrets', async () => {
    const name = uniqueName('after');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'fine' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('fine');
  });
});
