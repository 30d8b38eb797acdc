/**
 * HTTP front end: restJson1 routing (`POST [/prefix]/Execute` ...), body limits, content type and JSON
 * checks, fault injection, and error responses the SDK maps to its typed exceptions. Admin routes under
 * `/__emulator/` control faults, limits and stats.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readRequestBody } from '../http/body-reader';
import type { FaultQueue } from '../http/fault-queue';
import { writeJson } from '../http/json-reply';
import type { DataApiService } from './data-api-service';
import { DataApiError, toDataApiError, validationError } from './errors';
import { type FaultKind, type FaultSpec, faultError, isFaultSpec } from './faults';
import type { EmulatorLimits } from './limits';
import {
  parseBatchExecuteStatementInput,
  parseBeginTransactionInput,
  parseEndTransactionInput,
  parseExecuteStatementInput,
} from './request-validation';
import type { DataApiEmulatorStats, DataApiOperation, StatsRecorder } from './stats';

/** The service limit on request size (headers included; the body alone is what is checked here). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Past this the connection is cut instead of read to the end. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

const ROUTES: Readonly<Record<string, DataApiOperation>> = {
  Execute: 'ExecuteStatement',
  BatchExecute: 'BatchExecuteStatement',
  BeginTransaction: 'BeginTransaction',
  CommitTransaction: 'CommitTransaction',
  RollbackTransaction: 'RollbackTransaction',
  ExecuteSql: 'ExecuteSql',
};

export const ADMIN_PREFIX = '/__emulator';

export interface AdminControls {
  injectFaults(fault: FaultSpec): void;
  clearFaults(): void;
  pendingFaults(): FaultSpec[];
  configure(limits: Partial<EmulatorLimits>): void;
  limits(): EmulatorLimits;
  stats(): DataApiEmulatorStats;
  resetStats(): void;
}

export interface ServerDependencies {
  readonly service: DataApiService;
  readonly faults: FaultQueue<FaultKind>;
  readonly stats: StatsRecorder;
  readonly admin: AdminControls;
  readonly resourceArn: string;
  /** Refuse calls without a SigV4 Authorization header (catches misconfigured clients). */
  readonly requireSignature: boolean;
  readonly onInternalError: (error: unknown) => void;
}

type Body = Record<string, unknown>;

/** The body, or 'too-large' (past the drain bound the connection is dropped, as the service does). */
async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const read = await readRequestBody(request, { limit: MAX_REQUEST_BYTES, drainLimit: DRAIN_LIMIT_BYTES });
  if (read.kind === 'aborted') throw new Error('The client closed the connection before the body ended');
  if (read.kind === 'ok') return read.body;
  if (!read.drained) request.destroy();
  return 'too-large';
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  writeJson(response, status, body, { 'x-amzn-RequestId': randomUUID(), ...headers });
}

function sendError(response: ServerResponse, error: DataApiError): void {
  send(response, error.statusCode, error.toBody(), { 'x-amzn-ErrorType': error.headerValue });
}

function parseJsonObject(raw: Buffer): Body {
  let parsed: unknown;
  try {
    parsed = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    throw new DataApiError('SerializationException', `Request body is not valid JSON: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DataApiError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Body;
}

function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

async function dispatch(deps: ServerDependencies, operation: DataApiOperation, body: Body): Promise<unknown> {
  const { service, stats } = deps;
  switch (operation) {
    case 'ExecuteStatement': {
      const input = parseExecuteStatementInput(body);
      stats.statements(1);
      return service.executeStatement(input);
    }
    case 'BatchExecuteStatement': {
      const input = parseBatchExecuteStatementInput(body);
      stats.statements(input.parameterSets.length);
      return service.batchExecuteStatement(input);
    }
    case 'BeginTransaction':
      return service.beginTransaction(parseBeginTransactionInput(body));
    case 'CommitTransaction':
      return service.commitTransaction(parseEndTransactionInput(body));
    case 'RollbackTransaction':
      return service.rollbackTransaction(parseEndTransactionInput(body));
    case 'ExecuteSql':
      throw new DataApiError(
        'BadRequestException',
        'ExecuteSql is not supported by the Data API for Aurora Serverless v2 and provisioned clusters; use ExecuteStatement',
      );
  }
}

async function handleDataApiCall(
  deps: ServerDependencies,
  operation: DataApiOperation,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  deps.stats.call(operation);
  try {
    const authorization = request.headers.authorization;
    if (deps.requireSignature && !authorization?.startsWith('AWS4-HMAC-SHA256')) {
      await readBody(request);
      throw new DataApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const raw = await readBody(request);
    if (raw === 'too-large') {
      throw new DataApiError('RequestEntityTooLargeException', 'Request size exceeds the 4 MiB limit');
    }
    if (!isJsonContentType(request.headers['content-type'])) {
      throw new DataApiError('UnsupportedMediaTypeException', 'Content-Type must be application/json');
    }
    const body = parseJsonObject(raw);
    const fault = deps.faults.take();
    if (fault) {
      deps.stats.fault();
      throw faultError(fault, deps.resourceArn, 0);
    }
    send(response, 200, await dispatch(deps, operation, body));
  } catch (error) {
    deps.stats.error();
    // The client hung up mid-request; there is nobody to answer.
    if (request.destroyed && !request.complete) return;
    const known = toDataApiError(error);
    if (known) {
      sendError(response, known);
      return;
    }
    deps.onInternalError(error);
    sendError(
      response,
      new DataApiError('InternalServerErrorException', 'An internal error occurred in the emulator'),
    );
  }
}

async function handleAdmin(
  admin: AdminControls,
  method: string,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const raw = await readBody(request);
  const body = raw === 'too-large' ? {} : parseJsonObject(raw);
  const route = `${method} ${path.slice(ADMIN_PREFIX.length)}`;
  switch (route) {
    case 'GET /health':
      return send(response, 200, { ok: true });
    case 'GET /stats':
      return send(response, 200, admin.stats());
    case 'DELETE /stats':
      admin.resetStats();
      return send(response, 200, admin.stats());
    case 'GET /faults':
      return send(response, 200, { faults: admin.pendingFaults() });
    case 'POST /faults':
      if (!isFaultSpec(body)) {
        throw validationError(
          'Body must be {"kind": "resuming"|"unavailable"|"statementTimeout"|"serviceUnavailable"|"internalError"|"endpointNotEnabled", "count": <integer >= 0>}',
        );
      }
      admin.injectFaults(body);
      return send(response, 200, { faults: admin.pendingFaults() });
    case 'DELETE /faults':
      admin.clearFaults();
      return send(response, 200, { faults: [] });
    case 'GET /limits':
      return send(response, 200, admin.limits());
    case 'POST /limits':
      admin.configure(body as Partial<EmulatorLimits>);
      return send(response, 200, admin.limits());
    default:
      throw new DataApiError('UnknownOperationException', `Unknown admin route ${route}`);
  }
}

export function createRequestListener(deps: ServerDependencies): RequestListener {
  return (request, response) => {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handle = async (): Promise<void> => {
      if (path.startsWith(`${ADMIN_PREFIX}/`)) {
        await handleAdmin(deps.admin, method, path, request, response);
        return;
      }
      const operation = ROUTES[path.split('/').at(-1) ?? ''];
      if (method !== 'POST' || operation === undefined) {
        await readBody(request);
        throw new DataApiError('UnknownOperationException', `No operation matches ${method} ${path}`);
      }
      await handleDataApiCall(deps, operation, request, response);
    };
    handle().catch((error: unknown) => {
      const known = toDataApiError(error);
      if (known) sendError(response, known);
      else {
        deps.onInternalError(error);
        sendError(
          response,
          new DataApiError('InternalServerErrorException', 'An internal error occurred in the emulator'),
        );
      }
    });
  };
}
