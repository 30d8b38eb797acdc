export {
  type CreateCompanyBody,
  createCompanyBodySchema,
  type UpdateCompanyBody,
  updateCompanyBodySchema,
} from './company-body';
export {
  type StoreCredentialsBody,
  storeCredentialsBodySchema,
  type TestCredentialsBody,
  testCredentialsBodySchema,
} from './credentials-body';
export { errorResponse, INTERNAL_ERROR_MESSAGE, type MappedError, mapError } from './error-mapping';
export {
  type HttpHandler,
  type HttpHandlerOptions,
  type HttpLambdaHandler,
  httpHandler,
} from './http-handler';
export { HttpRequestError, type HttpRequestErrorCode } from './http-request-error';
export { type ErrorBody, jsonResponse, RESPONSE_HEADERS } from './http-response';
export { jsonBodyParser, parseJsonBody } from './json-body';
export {
  bodyByteLength,
  headerValue,
  MAX_JSON_BODY_BYTES,
  pathCompanyId,
  requestIdOf,
} from './request-parsing';
export { scheduledHandler } from './scheduled-handler';
