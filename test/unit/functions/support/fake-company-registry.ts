import { CompanyNotFoundError } from '@bluestakes/token-manager';
import {
  type Company,
  type CompanyRegistry,
  parseCompanyId,
  parseCompanyPageQuery,
} from '@bluestakes/token-manager/internal';

export const COMPANY: Company = {
  id: '7',
  name: 'Acme Excavating',
  enabled: true,
  token_ttl_seconds: null,
  has_credentials: true,
  created_at: '2026-01-02T03:04:05.000Z',
  updated_at: null,
  token: {
    state: 'valid',
    expires_at: '2026-01-02T04:04:05.000Z',
    expires_in: 3500,
    version: '3',
    fingerprint: 'a1b2c3d4e5f60718',
    login_held: false,
    hold_reason: null,
    last_used_at: null,
  },
};

export interface RegistryCall {
  readonly method: keyof CompanyRegistry;
  readonly args: unknown[];
}

export interface FakeCompanyRegistry {
  readonly registry: CompanyRegistry;
  /** Every call that got past the id and query checks. */
  readonly calls: RegistryCall[];
  /** Every later call throws `error`. */
  failWith(error: Error): void;
}

/**
 * A registry over a fixed set of companies (COMPANY by default): ids and page queries are checked
 * with the library's own parsers, unknown ids are COMPANY_NOT_FOUND, and every call is recorded.
 */
export function createFakeCompanyRegistry(companies: readonly Company[] = [COMPANY]): FakeCompanyRegistry {
  const calls: RegistryCall[] = [];
  let failure: Error | undefined;
  const known = (id: string | number): Company => {
    const company = companies.find((candidate) => candidate.id === parseCompanyId(id));
    if (company === undefined) throw new CompanyNotFoundError(parseCompanyId(id));
    return company;
  };
  const answer = async <T>(method: keyof CompanyRegistry, args: unknown[], value: () => T): Promise<T> => {
    const result = value();
    calls.push({ method, args });
    if (failure !== undefined) throw failure;
    return result;
  };
  const registry: CompanyRegistry = {
    createCompany: (input) => answer('createCompany', [input], () => COMPANY),
    listCompanies: (query) =>
      answer('listCompanies', [query], () => {
        parseCompanyPageQuery(query ?? {});
        return { companies: [...companies], next_cursor: companies.at(-1)?.id ?? null };
      }),
    getCompany: (id) => answer('getCompany', [id], () => known(id)),
    updateCompany: (id, changes) =>
      answer('updateCompany', [id, changes], () => ({
        ...known(id),
        enabled: changes.enabled ?? known(id).enabled,
      })),
    deleteCredentials: (id) =>
      answer('deleteCredentials', [id], () => ({
        company_id: known(id).id,
        secret_deleted: true,
        token_cleared: true,
      })),
    deleteCompany: (id) =>
      answer('deleteCompany', [id], () => ({ company_id: known(id).id, secret_deleted: false })),
  };
  return {
    registry,
    calls,
    failWith(error) {
      failure = error;
    },
  };
}
