export type { AccessLogEntry } from './gateway-server';
export { loadFunctionHandler, type ProxyHandler } from './handler-loader';
export { createLambdaContext, type LambdaContextOptions } from './lambda-context';
export {
  DEFAULT_MAX_BODY_BYTES,
  type LocalApiGateway,
  type LocalApiGatewayOptions,
  startLocalApiGateway,
} from './local-api-gateway';
export { type RestEventInit, restApiEvent } from './rest-api-event';
