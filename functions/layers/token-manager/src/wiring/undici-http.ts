/** HTTP wiring: the process-wide undici Agent under the Bluestakes client. */
import { Agent, type Dispatcher } from 'undici';
import { createBluestakesHttpClient } from '../bluestakes/client';
import type { BluestakesClient, BluestakesClientOptions } from '../bluestakes/client-types';

let sharedAgent: Agent | undefined;

/**
 * The process-wide keep-alive Agent. One per process, created on first use, so a warm Lambda reuses
 * its TLS connection to Bluestakes across invocations.
 */
export function defaultDispatcher(): Dispatcher {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 16 });
  return sharedAgent;
}

/** A Bluestakes client over `options.dispatcher`, or over the process-wide Agent. */
export function createBluestakesClient(options: BluestakesClientOptions): BluestakesClient {
  return createBluestakesHttpClient({ ...options, dispatcher: options.dispatcher ?? defaultDispatcher() });
}
