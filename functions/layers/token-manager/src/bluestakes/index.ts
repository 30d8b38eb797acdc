export { createBluestakesClient } from '../wiring/undici-http';
export { createBluestakesHttpClient } from './client';
export type {
  BluestakesCallContext,
  BluestakesCallInfo,
  BluestakesClient,
  BluestakesClientOptions,
  BluestakesOperation,
} from './client-types';
export type { HttpDispatcher, HttpResponse } from './http';
export { DEFAULT_SNIPPET_LENGTH, redactSecrets, truncateText, upstreamSnippet } from './redact';
export { DEFAULT_RETRY_AFTER_CAP_MS, parseRetryAfter } from './retry-after';
export type { SearchDateFormat } from './search';
export { readJwtExpiry, readJwtIssuedAt, stripBearerPrefix, tokenFingerprint } from './token-info';
export type {
  BluestakesLogin,
  GeoJsonFeature,
  GeoJsonObject,
  SecondaryFunctions,
  Ticket,
  TicketDelivery,
  TicketGrid,
  TicketMember,
  TicketResponse,
  TicketSearchPage,
  TicketSearchPageQuery,
  TicketSearchQuery,
  TicketSummary,
} from './types';
