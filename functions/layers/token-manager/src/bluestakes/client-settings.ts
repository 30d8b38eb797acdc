import { ConfigurationError } from '../errors';
import type { BluestakesClientOptions } from './client-types';
import type { SearchFormatting } from './search';

export const MAX_PAGE_SIZE = 1000;

/** The client options, checked and with their defaults. */
export interface Settings {
  origin: string;
  basePath: string;
  loginTimeoutMs: number;
  requestTimeoutMs: number;
  formatting: SearchFormatting;
  searchPageSize: number;
  maxSearchPages: number;
  now: () => number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigurationError(`Bluestakes client option ${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

function parseBaseUrl(baseUrl: string): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConfigurationError('Bluestakes baseUrl is not a valid URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('Bluestakes baseUrl must be an http(s) URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('Bluestakes baseUrl must not carry credentials, a query or a fragment');
  }
  // Operators copy the host from docs that write it with `/api`; the client adds `/api` itself.
  const basePath = url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '');
  return { origin: url.origin, basePath };
}

export function settingsFrom(options: BluestakesClientOptions): Settings {
  const timeZone = options.searchTimeZone ?? 'America/Denver';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (error) {
    throw new ConfigurationError(`Bluestakes searchTimeZone ${timeZone} is not a known time zone`, {
      cause: error,
    });
  }
  const dateFormat = options.searchDateFormat ?? 'MM/DD/YYYY';
  if (dateFormat !== 'MM/DD/YYYY' && dateFormat !== 'YYYY-MM-DD') {
    throw new ConfigurationError('Bluestakes searchDateFormat must be MM/DD/YYYY or YYYY-MM-DD');
  }
  return {
    ...parseBaseUrl(options.baseUrl),
    loginTimeoutMs: positiveInteger('loginTimeoutMs', options.loginTimeoutMs, 10_000, 600_000),
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs, 15_000, 600_000),
    formatting: { dateFormat, timeZone },
    searchPageSize: positiveInteger('searchPageSize', options.searchPageSize, 100, MAX_PAGE_SIZE),
    maxSearchPages: positiveInteger('maxSearchPages', options.maxSearchPages, 100, 100_000),
    now: options.now ?? Date.now,
  };
}
