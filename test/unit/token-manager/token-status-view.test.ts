import { describe, expect, it } from 'vitest';
import type { TokenRow } from '../../../functions/layers/token-manager/src/store';
import {
  credentialsTestView,
  storeCredentialsView,
  tokenStatusView,
} from '../../../functions/layers/token-manager/src/token-manager/token-status-view';

const ROW: TokenRow = {
  companyId: '7',
  encryptedToken: 'enc:v1:k1:abc',
  version: '3',
  fingerprint: 'f1',
  accountKey: 'a1',
  expiresAt: new Date('2026-01-01T01:00:00Z'),
  refreshAt: new Date('2026-01-01T00:55:00Z'),
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  expiresInMs: 3_600_400,
  refreshInMs: 3_300_000,
  issuedAgoMs: 0,
  leaseOwner: 'tm-1',
  leaseRemainingMs: 0,
  holdRemainingMs: 12_600,
  holdReason: 'upstream_failing',
  failureCount: 2,
  credentialsVersion: '4',
  ttlOverrideSeconds: null,
  lastUsedAt: null,
  enabled: true,
  dbNow: new Date('2026-01-01T00:00:00Z'),
};

describe('tokenStatusView', () => {
  it('shows durations in whole seconds, a fingerprint and never the token', () => {
    const status = tokenStatusView('7', ROW);
    expect(status).toMatchObject({
      company_id: '7',
      has_valid_token: true,
      expires_in: 3_600,
      refresh_in: 3_300,
      token_fingerprint: 'f1',
      lease: { held: false, owner: null, expires_in: null },
      hold: { active: true, reason: 'upstream_failing', expires_in: 13 },
    });
    expect(JSON.stringify(status)).not.toContain('enc:v1');
  });

  it('shows no expiry for a company without a token', () => {
    const status = tokenStatusView('7', { ...ROW, encryptedToken: null });
    expect(status).toMatchObject({
      has_token: false,
      has_valid_token: false,
      expires_at: null,
      refresh_in: null,
    });
  });
});

describe('credentials views', () => {
  it('marks unverified credentials as neither valid nor invalid', () => {
    expect(storeCredentialsView('7', 'user', false, false).credentials_valid).toBeNull();
    expect(storeCredentialsView('7', 'user', true, true)).toMatchObject({
      credentials_valid: true,
      token_cached: true,
    });
  });

  it('reports a rejected login as invalid credentials', () => {
    expect(credentialsTestView('user', undefined)).toEqual({
      username: 'user',
      credentials_valid: false,
      token_expires_at: null,
    });
  });
});
