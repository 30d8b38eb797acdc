/**
 * The one route table of the HTTP API. The CDK stack, the local gateway and the OpenAPI tests all
 * read it, so a route cannot exist in one and be missing from another. Several routes may share a
 * handler (an alias path); each handler folder is still one function.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  readonly path: string;
  /** The folder under `functions/` whose `handler.ts` serves the route. */
  readonly handler: string;
  readonly summary: string;
}

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/tokens/stats', handler: 'get-token-stats', summary: 'Token cache statistics' },
  {
    method: 'POST',
    path: '/tokens/cleanup',
    handler: 'cleanup-tokens',
    summary: 'Remove expired tokens now',
  },
  {
    method: 'DELETE',
    path: '/tokens/{company_id}',
    handler: 'clear-token',
    summary: "Clear a company's token",
  },
  {
    method: 'GET',
    path: '/tokens/{company_id}/status',
    handler: 'get-token-status',
    summary: "A company's token status (never the token)",
  },
  {
    method: 'POST',
    path: '/tokens/credentials/{company_id}',
    handler: 'store-credentials',
    summary: "Verify and store a company's Bluestakes credentials",
  },
  {
    // The original system's path for the same operation, kept so its clients keep working.
    method: 'POST',
    path: '/tickets/store-credentials/{company_id}',
    handler: 'store-credentials',
    summary:
      "Verify and store a company's Bluestakes credentials (alias of POST /tokens/credentials/{company_id})",
  },
  {
    method: 'POST',
    path: '/tokens/credentials/test',
    handler: 'test-credentials',
    summary: 'Verify Bluestakes credentials without storing them',
  },
  {
    method: 'DELETE',
    path: '/tokens/credentials/{company_id}',
    handler: 'delete-credentials',
    summary: "Delete a company's Bluestakes credentials and token",
  },
  { method: 'POST', path: '/companies', handler: 'create-company', summary: 'Create a company' },
  {
    method: 'GET',
    path: '/companies',
    handler: 'list-companies',
    summary: 'List companies with their token state',
  },
  {
    method: 'GET',
    path: '/companies/{company_id}',
    handler: 'get-company',
    summary: 'A company with its token state',
  },
  {
    method: 'PATCH',
    path: '/companies/{company_id}',
    handler: 'update-company',
    summary: 'Rename a company, set its token lifetime, enable or disable it',
  },
  {
    method: 'DELETE',
    path: '/companies/{company_id}',
    handler: 'delete-company',
    summary: 'Delete a disabled company with its credentials and tickets',
  },
  {
    method: 'POST',
    path: '/tickets/sync',
    handler: 'sync-tickets',
    summary: "Sync one company's tickets now, or enqueue a sync per company",
  },
  {
    method: 'GET',
    path: '/tickets/sync/{company_id}',
    handler: 'get-ticket-sync',
    summary: "A company's ticket sync job: state and progress",
  },
  {
    method: 'GET',
    path: '/tickets/{ticket}/location',
    handler: 'get-ticket-location',
    summary: "A ticket's location text and work area",
  },
  {
    method: 'GET',
    path: '/tickets/updatable',
    handler: 'list-updatable-tickets',
    summary: "A company's tickets that may be updated now",
  },
];
