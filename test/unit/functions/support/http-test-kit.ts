import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { expect, vi } from 'vitest';
import { createLambdaContext } from '../../../../local/api-gateway/lambda-context';
import { loadOpenApi } from './openapi';

export interface InvokeResult {
  readonly statusCode: number;
  /** Header names lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly rawBody: string;
}

type AnyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Runs a handler's full middy chain and parses the JSON body. */
export async function invoke(
  handler: AnyHandler,
  event: APIGatewayProxyEvent,
  context: Context = createLambdaContext(),
): Promise<InvokeResult> {
  const result = await handler(event, context);
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  const rawBody = result.body ?? '';
  return { statusCode: result.statusCode, headers, body: JSON.parse(rawBody) as unknown, rawBody };
}

export interface CapturedOutput {
  /** Everything written since capture began (Powertools logs and EMF metrics). */
  text(): string;
  /** The log lines (JSON with a `level`), parsed. */
  logs(): Record<string, unknown>[];
}

/**
 * Captures (and silences) stdout and stderr, where Powertools writes logs (errors to stderr) and
 * metrics. Restored after each test.
 */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  const text = () => chunks.join('');
  return {
    text,
    logs: () =>
      text()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => typeof entry.level === 'string'),
  };
}

const openApi = loadOpenApi();

/** Asserts the response body conforms to what `openapi.yaml` documents for this operation and status. */
export function expectDocumented(method: string, resource: string, result: InvokeResult): void {
  const schema = openApi.responseSchema(method, resource, result.statusCode);
  expect(openApi.validate(result.body, schema)).toEqual([]);
}

/** Asserts the standard response headers. */
export function expectStandardHeaders(result: InvokeResult): void {
  expect(result.headers['content-type']).toBe('application/json');
  expect(result.headers['cache-control']).toBe('no-store');
}
