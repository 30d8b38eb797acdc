/**
 * Seams for tests (and the local stack): swap the default instances the module-level functions and
 * handlers use, and count metrics in memory. Never imported by Lambda code.
 */
export { setDefaultCompanyRegistry } from './companies';
export { createCountingMetricsSink } from './observability';
export { setDefaultTokenManager } from './token-manager';
