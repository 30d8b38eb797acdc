/**
 * A local RDS Data API (v2) emulator for development and tests: the real `RDSDataClient`, pointed at it
 * with `endpoint`, runs SQL on embedded PGlite or a real PostgreSQL, with v2's strictness (text-typed
 * string parameters, no multistatements, typed results, transactions that refuse concurrent calls,
 * no session state between calls, size and time limits) and fault injection.
 */
export type { SqlBackend, SqlBackendKind } from './backend';
export type { DataApiEmulator, DataApiEmulatorOptions } from './emulator';
export { DEFAULT_RESOURCE_ARN, DEFAULT_SECRET_ARN, startDataApiEmulator } from './emulator';
export type { FaultKind, FaultSpec } from './faults';
export { FAULT_KINDS } from './faults';
export { DEFAULT_LIMITS, type EmulatorLimits } from './limits';
export type { PgliteBackendOptions, PgliteSqlBackend } from './pglite-backend';
export { createPgliteBackend } from './pglite-backend';
export type { PostgresBackendOptions } from './postgres-backend';
export { createPostgresBackend } from './postgres-backend';
export { ADMIN_PREFIX } from './server';
export type { DataApiEmulatorStats, DataApiOperation } from './stats';
