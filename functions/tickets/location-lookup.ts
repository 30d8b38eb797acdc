import {
  LoginHeldError,
  RateLimitExceededError,
  type TokenManager,
  TokenUnavailableError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { toTicketRecord } from './ticket-record';
import type { TicketRepository } from './ticket-repository';
import { type TicketLocation, toLocationView } from './ticket-views';

/** What the location lookup is built from. */
export interface LocationLookupDependencies {
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
  readonly repository: Pick<TicketRepository, 'findTicketLocation' | 'upsertTicket'>;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** Bluestakes cannot be asked right now, but may be soon: stored data is better than an error. */
function isTemporarilyUnavailable(error: unknown): boolean {
  return (
    error instanceof RateLimitExceededError ||
    error instanceof UpstreamRateLimitedError ||
    error instanceof UpstreamUnavailableError ||
    error instanceof TokenUnavailableError ||
    (error instanceof LoginHeldError && error.reason === 'upstream_failing')
  );
}

/**
 * A ticket's location: from the store while younger than `maxAgeSeconds`; otherwise fetched through
 * the layer and stored. When Bluestakes cannot be asked now (budget busy, outage) and the store has
 * the ticket, the stored data is answered with `stale: true` instead of an error.
 *
 * @param deps - the layer and the ticket store
 * @param request - canonical company id, trimmed upper-case ticket number, the maximum age
 */
export async function lookUpTicketLocation(
  deps: LocationLookupDependencies,
  request: { readonly companyId: string; readonly ticketNumber: string; readonly maxAgeSeconds: number },
): Promise<TicketLocation> {
  const { companyId, ticketNumber, maxAgeSeconds } = request;
  const stored = await deps.repository.findTicketLocation(companyId, ticketNumber, maxAgeSeconds);
  if (stored?.fresh === true) return toLocationView(stored, { source: 'stored', stale: false });
  let detail: Awaited<ReturnType<typeof fetchDetail>>;
  try {
    detail = await fetchDetail(deps, companyId, ticketNumber);
  } catch (error) {
    if (stored !== undefined && isTemporarilyUnavailable(error)) {
      return toLocationView(stored, { source: 'stored', stale: true });
    }
    throw error;
  }
  const now = new Date((deps.clock ?? Date.now)());
  // The detail only: the stored responses stay as the last sync left them.
  const record = toTicketRecord(companyId, detail, undefined);
  await deps.repository.upsertTicket(record, { now, touch: true });
  return toLocationView({ ...record, syncedAt: now, fresh: true }, { source: 'bluestakes', stale: false });
}

function fetchDetail(deps: LocationLookupDependencies, companyId: string, ticketNumber: string) {
  return deps.tokens.makeAuthenticatedRequest(companyId, (api) => api.getTicket(ticketNumber));
}
