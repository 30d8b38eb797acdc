/**
 * The ticket routes as deployed, in this process: the real HTTP handlers behind the local gateway use a
 * tickets harness's token manager, repository and job store, and POST /tickets/sync enqueues on an
 * in-memory queue whose worker the test supplies (the real worker handler, with the context it needs).
 * `close()` stops both and puts the handlers' defaults back; the harness stays the test's to close.
 */
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import {
  createInMemorySyncQueue,
  type InMemorySyncQueue,
  type InMemorySyncQueueOptions,
  setDefaultSyncJobStore,
  setDefaultSyncQueue,
  setDefaultTicketRepository,
} from '../../functions/tickets';
import {
  type LocalApiGateway,
  type LocalApiGatewayOptions,
  startLocalApiGateway,
} from '../../local/api-gateway';
import type { TicketsHarness } from './tickets-harness';

export interface TicketRoutes {
  readonly gateway: LocalApiGateway;
  readonly queue: InMemorySyncQueue;
  close(): Promise<void>;
}

export async function serveTicketRoutes(
  h: TicketsHarness,
  options: { readonly queue: InMemorySyncQueueOptions; readonly gateway: LocalApiGatewayOptions },
): Promise<TicketRoutes> {
  setDefaultTokenManager(h.createManager());
  setDefaultTicketRepository(h.repository);
  setDefaultSyncJobStore(h.jobs);
  const queue = createInMemorySyncQueue(options.queue);
  setDefaultSyncQueue(queue);
  let gateway: LocalApiGateway | undefined;
  const close = async () => {
    await gateway?.close();
    await queue.close();
    setDefaultSyncQueue(undefined);
    setDefaultSyncJobStore(undefined);
    setDefaultTicketRepository(undefined);
    setDefaultTokenManager(undefined);
  };
  try {
    gateway = await startLocalApiGateway(options.gateway);
  } catch (error) {
    await close();
    throw error;
  }
  return { gateway, queue, close };
}
