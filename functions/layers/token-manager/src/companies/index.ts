export { getDefaultCompanyRegistry, setDefaultCompanyRegistry } from '../wiring/default-company-registry';
export {
  DEFAULT_COMPANY_PAGE_SIZE,
  MAX_COMPANY_NAME_LENGTH,
  MAX_COMPANY_PAGE_SIZE,
  MAX_COMPANY_TOKEN_TTL_SECONDS,
  MIN_COMPANY_TOKEN_TTL_SECONDS,
  parseCompanyName,
  parseCompanyPageQuery,
  parseTokenTtlSeconds,
} from './company-input';
export { type CompanyRegistry, type CompanyRegistryOptions, createCompanyRegistry } from './company-registry';
export type {
  Company,
  CompanyChanges,
  CompanyDeletion,
  CompanyPage,
  CompanyTokenSummary,
  CredentialsDeletion,
  NewCompany,
} from './company-types';
