import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../http/body-reader';
import type { CallStats } from './call-stats';
import { ServiceError, serializationFailed } from './errors';
import { type FaultInjector, parseFault } from './faults';
import { sendError, sendJson } from './http-io';
import { asJsonObject, type JsonObject } from './input';
import { type Operation, operationNamed } from './operations';
import type { SecretStore } from './store';

/** Room for the largest legal request: a 64 KiB value even when every character is JSON-escaped. */
const MAX_BODY_BYTES = 1024 * 1024;
const ADMIN_PREFIX = '/__secrets/';
const TARGET = /^secretsmanager\.([A-Za-z]{1,64})$/;

export interface RequestHandlerDeps {
  readonly store: SecretStore;
  readonly faults: FaultInjector;
  readonly stats: CallStats;
  /** Saves the store; resolves once the state is on disk. */
  readonly persist: () => Promise<void>;
}

const internalError = (message: string): ServiceError =>
  new ServiceError('InternalServiceError', message, 500);

function parseJson(bytes: Buffer): JsonObject {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw serializationFailed('The request body is not valid JSON.');
  }
  return asJsonObject(value);
}

function targetOperation(request: IncomingMessage): { name: string; run: Operation } {
  const target = request.headers['x-amz-target'];
  const name = typeof target === 'string' ? TARGET.exec(target)?.[1] : undefined;
  if (name === undefined) {
    throw new ServiceError('UnknownOperationException', 'The X-Amz-Target header is missing or malformed.');
  }
  const run = operationNamed(name);
  if (!run) throw new ServiceError('UnknownOperationException', `The operation ${name} is not supported.`);
  return { name, run };
}

export function createRequestHandler(deps: RequestHandlerDeps) {
  async function serviceCall(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Answered as soon as the body is too large; the rest is still read and dropped.
    const body = await readRequestBody(request, { limit: MAX_BODY_BYTES, answerEarly: true });
    if (body.kind === 'aborted') return void response.destroy();
    if (body.kind === 'too-large') {
      sendError(
        response,
        new ServiceError(
          'RequestEntityTooLargeException',
          `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
          413,
        ),
      );
      return;
    }
    let result: JsonObject | undefined;
    let failure: ServiceError | undefined;
    try {
      if (request.method !== 'POST') {
        throw new ServiceError('UnknownOperationException', 'Operations are called with POST.', 405);
      }
      const operation = targetOperation(request);
      deps.stats.count(operation.name);
      const fault = deps.faults.next();
      if (fault) throw fault;
      result = operation.run(parseJson(body.body), deps.store);
    } catch (error) {
      failure =
        error instanceof ServiceError ? error : internalError('An error occurred on the server side.');
    }
    // Failed calls may have changed state too (a secret past its recovery window is purged on sight).
    if (deps.store.takeChanged()) {
      try {
        await deps.persist();
      } catch {
        failure = internalError('The stand-in could not save its data file.');
      }
    }
    if (failure) sendError(response, failure);
    else sendJson(response, 200, result);
  }

  async function adminCall(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const body = await readRequestBody(request, { limit: 64 * 1024, answerEarly: true });
    if (body.kind === 'aborted') return void response.destroy();
    const send = (status: number, payload: unknown): void =>
      sendJson(response, status, payload, { 'Content-Type': 'application/json' });
    const route = `${request.method} ${path}`;
    if (route === 'GET /__secrets/stats') return send(200, { calls: deps.stats.snapshot() });
    if (route === 'GET /__secrets/faults') return send(200, { pending: deps.faults.remaining() ?? null });
    if (route === 'DELETE /__secrets/faults') {
      deps.faults.clear();
      return send(200, { pending: null });
    }
    if (route === 'POST /__secrets/faults') {
      try {
        if (body.kind === 'too-large') throw new TypeError('The request body is too large.');
        deps.faults.inject(parseFault(parseJson(body.body)));
        return send(200, { pending: deps.faults.remaining() ?? null });
      } catch (error) {
        const message = error instanceof Error ? error.message : 'Bad request.';
        return send(400, { __type: 'ValidationException', message });
      }
    }
    send(404, {
      message: 'Admin routes: GET /__secrets/stats, GET|POST|DELETE /__secrets/faults.',
    });
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    const call = path.startsWith(ADMIN_PREFIX)
      ? adminCall(request, response, path)
      : serviceCall(request, response);
    call.catch(() => {
      // Only a broken client connection gets here; there is no one left to answer.
      if (!response.headersSent) response.destroy();
    });
  };
}
