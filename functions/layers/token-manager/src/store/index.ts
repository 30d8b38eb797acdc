export { createDataApiTokenStore } from './data-api-token-store';
export type {
  CleanupResult,
  Lease,
  LoginFailure,
  LoginHoldReason,
  TokenRow,
  TokenStats,
  TokenStore,
  TokenWrite,
  WrittenToken,
} from './token-store';
