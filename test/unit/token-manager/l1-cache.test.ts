import { describe, expect, it } from 'vitest';
import { L1Cache } from '../../../functions/layers/token-manager/src/token-manager/l1-cache';

const entry = (
  overrides: Partial<{ version: string; refreshAt: number; expiresAt: number; checkedAt: number }> = {},
) => ({
  token: 't',
  version: '1',
  accountKey: null,
  refreshAt: 1_000,
  expiresAt: 2_000,
  checkedAt: 0,
  issuedAgoMs: 0,
  ...overrides,
});

describe('L1Cache', () => {
  it('serves an entry until it is due for refresh', () => {
    const cache = new L1Cache(30_000);
    cache.set('1', entry());

    expect(cache.fresh('1', 999)).toBeDefined();
    expect(cache.fresh('1', 1_000)).toBeUndefined();
    expect(cache.usable('1', 1_500)).toBeDefined();
    expect(cache.usable('1', 2_000)).toBeUndefined();
  });

  it('re-checks an entry older than the staleness bound even when not due', () => {
    const cache = new L1Cache(100);
    cache.set('1', entry({ refreshAt: 10_000, expiresAt: 20_000 }));

    expect(cache.fresh('1', 99)).toBeDefined();
    expect(cache.fresh('1', 100)).toBeUndefined();
  });

  it('deletes by version only when the entry still holds that version', () => {
    const cache = new L1Cache(30_000);
    cache.set('1', entry({ version: '2' }));

    cache.delete('1', '1');
    expect(cache.fresh('1', 0)?.version).toBe('2');
    cache.delete('1', '2');
    expect(cache.fresh('1', 0)).toBeUndefined();
  });

  it('evicts the oldest company beyond its size bound', () => {
    const cache = new L1Cache(30_000, 2);
    cache.set('1', entry());
    cache.set('2', entry());
    cache.set('3', entry());

    expect(cache.fresh('1', 0)).toBeUndefined();
    expect(cache.fresh('3', 0)).toBeDefined();
  });
});
