import type { BluestakesLogin } from '../bluestakes';
import { tokenFingerprint } from '../bluestakes/token-info';
import type { TokenWrite } from '../store';
import type { ProtocolContext } from './token-manager-types';
import type { TokenSealing } from './token-sealing';

/** Upstream clock differences above this are logged and counted. */
const CLOCK_SKEW_REPORT_MS = 5_000;
/** A JWT lifetime judged on our clock alone (no iat, no Date header) is never taken below this. */
const MIN_UNVERIFIED_LIFETIME_SECONDS = 60;

/**
 * How long a fresh login's token is used. The JWT's own expiry wins when earlier, judged on the
 * upstream's clock (exp - iat, else exp - the reply's Date header), so an upstream clock hours behind
 * ours cannot shrink it; only without either is our clock used, and then never below a floor.
 */
export function loginLifetimeSeconds(
  ctx: ProtocolContext,
  companyId: string | undefined,
  login: BluestakesLogin,
  startedAt: number,
  ttlOverride: number | null,
): number {
  const { now, metrics, log } = ctx;
  const ttl = ttlOverride ?? ctx.config.tokens.ttlSeconds;
  const wallNow = Date.now();
  const upstreamNow = login.serverDate ?? login.issuedAt;
  if (upstreamNow !== undefined) {
    const skewMs = wallNow - upstreamNow.getTime();
    // The Date header and iat have second precision and the login took a while: report real skew only.
    if (Math.abs(skewMs) > CLOCK_SKEW_REPORT_MS + (now() - startedAt)) {
      metrics.count('UpstreamClockSkew');
      log.warn('The Bluestakes clock differs from ours', {
        companyId,
        skewMs,
        source: login.serverDate === undefined ? 'jwt_iat' : 'date_header',
      });
    }
  }
  if (login.expiresAt === undefined) return ttl;
  const exp = login.expiresAt.getTime();
  if (login.issuedAt !== undefined) {
    // iat is rounded down to the second: one second off keeps it conservative.
    return Math.max(1, Math.min(ttl, (exp - login.issuedAt.getTime()) / 1000 - 1));
  }
  if (login.serverDate !== undefined) {
    return Math.max(1, Math.min(ttl, (exp - login.serverDate.getTime()) / 1000 - 1));
  }
  // Our clock alone: measured from when we asked, to stay conservative, but never below the floor.
  const remaining = (exp - wallNow) / 1000 + (now() - startedAt) / 1000;
  return Math.min(ttl, Math.max(remaining, Math.min(ttl, MIN_UNVERIFIED_LIFETIME_SECONDS)));
}

/** The write of a token obtained now, due for refresh a jittered lead before its expiry. */
export async function freshTokenWrite(
  ctx: ProtocolContext,
  sealing: TokenSealing,
  companyId: string,
  token: string,
  fields: Pick<TokenWrite, 'accountKey' | 'lifetimeSeconds' | 'elapsedSeconds' | 'event'>,
): Promise<TokenWrite> {
  const seal = await sealing.sealer(token);
  const { tokens } = ctx.config;
  // Never more than half the lifetime, so short-lived tokens are still used before being refreshed.
  const refreshLeadSeconds = Math.min(
    tokens.refreshBeforeSeconds + ctx.random() * tokens.refreshJitterSeconds,
    fields.lifetimeSeconds / 2,
  );
  return {
    encryptFor: (version) => seal(companyId, version),
    fingerprint: tokenFingerprint(token),
    accountKey: fields.accountKey,
    lifetimeSeconds: fields.lifetimeSeconds,
    refreshLeadSeconds,
    elapsedSeconds: fields.elapsedSeconds,
    event: fields.event,
  };
}
