import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SqlSession } from '../../../local/data-api-emulator/backend';
import { type CatalogType, TypeRegistry } from '../../../local/data-api-emulator/pg-types';
import { type TransactionRecord, TransactionRegistry } from '../../../local/data-api-emulator/transactions';
import { errorOf } from './support/error-of';

const session = { connectionId: 7 } as SqlSession;
const ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:c';

describe('TransactionRegistry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const registry = (expired: TransactionRecord[] = []) =>
    new TransactionRegistry(
      () => ({ idleMs: 1_000, maxLifetimeMs: 10_000 }),
      (record) => expired.push(record),
    );

  it('refuses a second claim while the first call is still running', () => {
    const transactions = registry();
    const record = transactions.open(session, ARN);
    transactions.claim(record.id, ARN);
    expect(errorOf(() => transactions.claim(record.id, ARN)).message).toBe(
      'Transaction is still running a query',
    );
    transactions.unclaim(record);
    expect(transactions.claim(record.id, ARN)).toBe(record);
  });

  it('treats an id from another cluster as not found', () => {
    const transactions = registry();
    const record = transactions.open(session, ARN);
    expect(errorOf(() => transactions.claim(record.id, `${ARN}-other`)).errorType).toBe(
      'TransactionNotFoundException',
    );
  });

  it('expires an idle transaction and explains why afterwards', () => {
    vi.useFakeTimers();
    const expired: TransactionRecord[] = [];
    const transactions = registry(expired);
    const record = transactions.open(session, ARN);
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([record]);
    const error = errorOf(() => transactions.claim(record.id, ARN));
    expect(error.errorType).toBe('TransactionNotFoundException');
    expect(error.message).toBe(`Transaction ${record.id} is not found. Transaction may be expired.`);
  });

  it('waits for a running call before expiring a transaction past its lifetime', () => {
    vi.useFakeTimers();
    const expired: TransactionRecord[] = [];
    const transactions = registry(expired);
    const record = transactions.open(session, ARN);
    for (let i = 0; i < 10; i += 1) {
      transactions.claim(record.id, ARN);
      vi.advanceTimersByTime(999);
      transactions.unclaim(record);
    }
    transactions.claim(record.id, ARN);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual([]);
    transactions.unclaim(record);
    expect(expired).toEqual([record]);
  });
});

describe('TypeRegistry', () => {
  const catalog: CatalogType[] = [
    { oid: 16400, name: 'mood', typtype: 'e', elementOid: 0, baseOid: 0, category: 'E' },
    { oid: 16399, name: '_mood', typtype: 'b', elementOid: 16400, baseOid: 0, category: 'A' },
    { oid: 16500, name: 'positive_int', typtype: 'd', elementOid: 0, baseOid: 23, category: 'N' },
    { oid: 16600, name: 'pair', typtype: 'c', elementOid: 0, baseOid: 0, category: 'C' },
    { oid: 600, name: 'point', typtype: 'b', elementOid: 701, baseOid: 0, category: 'G' },
  ];
  const lookup = vi.fn(async (oids: readonly number[]) =>
    catalog.filter((entry) => oids.includes(entry.oid)),
  );

  it('resolves built-ins, enums, arrays of enums and domains, and marks the rest unsupported', async () => {
    const types = await new TypeRegistry().resolve([23, 16400, 16399, 16500, 16600, 600], lookup);
    expect(types.map((type) => [type.category, type.name])).toEqual([
      ['scalar', 'int4'],
      ['scalar', 'mood'],
      ['array', '_mood'],
      ['scalar', 'int4'],
      ['unsupported', 'pair'],
      ['unsupported', 'point'],
    ]);
  });

  it('asks the database about each OID once', async () => {
    lookup.mockClear();
    const registry = new TypeRegistry();
    await registry.resolve([16399], lookup);
    await registry.resolve([16399, 16400, 25], lookup);
    expect(lookup.mock.calls.flat()).toEqual([[16399], [16400]]);
  });
});
