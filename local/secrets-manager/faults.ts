import { FaultQueue } from '../http/fault-queue';
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
  readonly #queue = new FaultQueue<FaultKind>();

  /** Replaces whatever was pending; a count of 0 clears. */
  inject(fault: Fault): void {
    const { kind, count } = parseFault(fault);
    this.#queue.clear();
    this.#queue.add(kind, count);
  }

  clear(): void {
    this.#queue.clear();
  }

  remaining(): Fault | undefined {
    const [pending] = this.#queue.pending();
    return pending && { kind: pending.fault, count: pending.remaining };
  }

  /** The error for this call, if a fault is still pending. */
  next(): ServiceError | undefined {
    const kind = this.#queue.take();
    if (kind === undefined) return undefined;
    return kind === 'throttling'
      ? new ServiceError('ThrottlingException', 'Rate exceeded', 400)
      : new ServiceError('InternalServiceError', 'An error occurred on the server side.', 500);
  }
}
