/** The read-only requests the smoke check sends, one per route, and what each must answer. */
import type { HttpRoute } from '../../functions/http-routes';

/** A value no route accepts as a company id: every probe with it must be refused with 400, touching nothing. */
export const BAD_ID = 'x';
/** A well-formed id far above any real one: the probe must answer 404. */
export const ABSENT_ID = '9000000000000000000';

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}

interface Probe {
  readonly route: string;
  readonly url: string;
  readonly body?: unknown;
  readonly expect: number;
}

/** Read-only requests, one per route: each is refused before anything changes, or only reads. */
export function readOnlyProbes(knownCompanyId: string | undefined): Probe[] {
  const id = knownCompanyId ?? ABSENT_ID;
  const found = knownCompanyId === undefined ? 404 : 200;
  return [
    { route: 'GET /tokens/stats', url: '/tokens/stats', expect: 200 },
    { route: 'GET /companies', url: '/companies?limit=2', expect: 200 },
    { route: 'GET /companies/{company_id}', url: `/companies/${id}`, expect: found },
    { route: 'GET /tokens/{company_id}/status', url: `/tokens/${id}/status`, expect: found },
    { route: 'DELETE /tokens/{company_id}', url: `/tokens/${BAD_ID}`, expect: 400 },
    {
      route: 'POST /tokens/credentials/{company_id}',
      url: `/tokens/credentials/${BAD_ID}`,
      body: {},
      expect: 400,
    },
    {
      route: 'DELETE /tokens/credentials/{company_id}',
      url: `/tokens/credentials/${ABSENT_ID}`,
      expect: 404,
    },
    { route: 'POST /tokens/credentials/test', url: '/tokens/credentials/test', body: {}, expect: 400 },
    { route: 'POST /companies', url: '/companies', body: {}, expect: 400 },
    {
      route: 'PATCH /companies/{company_id}',
      url: `/companies/${ABSENT_ID}`,
      body: { enabled: true },
      expect: 404,
    },
    { route: 'DELETE /companies/{company_id}', url: `/companies/${ABSENT_ID}`, expect: 404 },
    { route: 'POST /tickets/sync', url: '/tickets/sync', body: { company_id: BAD_ID }, expect: 400 },
    {
      route: 'GET /tickets/{ticket}/location',
      url: `/tickets/A1/location?company_id=${BAD_ID}`,
      expect: 400,
    },
    { route: 'GET /tickets/updatable', url: `/tickets/updatable?company_id=${BAD_ID}`, expect: 400 },
  ];
}

/** Routes without a request that changes nothing; `--write` checks them on the scratch company. */
export const WRITE_ONLY_ROUTES = new Set(['POST /tokens/cleanup']);

/** For a route this list does not know yet: its path parameters filled with a value every route refuses. */
export function genericProbe(route: HttpRoute): Probe | undefined {
  if (!route.path.includes('{')) return undefined;
  return {
    route: routeKey(route.method, route.path),
    url: route.path.replace(/\{\w+\}/g, BAD_ID),
    expect: 400,
  };
}
