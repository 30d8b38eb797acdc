import { ServiceError } from './errors';

export type FaultKind = 'throttling' | 'internal';

export interface Fault {
  readonly kind: FaultKind;
  readonly count: number;
}

const FAULT_KINDS: readonly string[] = ['throttling', 'internal'] satisfies FaultKind[];

const isFaultKind = (value: unknown): value is FaultKind =>
  typeof value === 'string' && FAULT_KINDS.includes(value);

/** Checked at run time too: the admin route and plain-JS callers hand in anything. */
export function parseFault(value: unknown): Fault {
  const fields: Record<string, unknown> = typeof value === 'object' && value !== null ? { ...value } : {};
  const { kind, count } = fields;
  if (!isFaultKind(kind)) {
    throw new TypeError("Fault kind must be 'throttling' or 'internal'.");
  }
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new TypeError('Fault count must be a non-negative integer.');
  }
  return { kind, count };
}

/**
 * Makes the next calls fail the way the real service fails under load. ThrottlingException is one of
 * the codes the SDK classifies as throttling whatever the status, and a 500 is transient to it: both are
 * retried by the SDK's standard strategy, as they are against AWS.
 */
export class FaultInjector {
  private pending: { kind: FaultKind; remaining: number } | undefined;

  /** Replaces whatever was pending; a count of 0 clears. */
  inject(fault: Fault): void {
    const { kind, count } = parseFault(fault);
    this.pending = count === 0 ? undefined : { kind, remaining: count };
  }

  clear(): void {
    this.pending = undefined;
  }

  remaining(): Fault | undefined {
    return this.pending && { kind: this.pending.kind, count: this.pending.remaining };
  }

  /** The error for this call, if a fault is still pending. */
  next(): ServiceError | undefined {
    if (!this.pending) return undefined;
    const { kind } = this.pending;
    this.pending.remaining -= 1;
    if (this.pending.remaining === 0) this.pending = undefined;
    return kind === 'throttling'
      ? new ServiceError('ThrottlingException', 'Rate exceeded', 400)
      : new ServiceError('InternalServiceError', 'An error occurred on the server side.', 500);
  }
}
