import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt';
import type { SimulatorAccount, SimulatorSwitches } from './types';

export type AuthFailure = 'missing' | 'malformed' | 'signature' | 'expired' | 'revoked' | 'disabled';

export type AuthOutcome =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly reason: AuthFailure };

export type LoginOutcome =
  | { readonly ok: true; readonly token: string; readonly reused: boolean }
  | { readonly ok: false };

interface IssuedToken {
  readonly token: string;
  readonly username: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

interface AccountState {
  readonly username: string;
  passwordDigest: Buffer;
  disabled: boolean;
}

const BEARER = /^bearer +(\S+)\s*$/i;

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

/** Accounts, their credentials and every token handed out; the signing key never leaves this object. */
export class AccountRegistry {
  private readonly accounts = new Map<string, AccountState>();
  /** Live tokens only: a revoked token is removed, so "unknown jti" means revoked. */
  private readonly live = new Map<string, IssuedToken>();
  private readonly lastIssued = new Map<string, string>();
  private readonly key = randomBytes(32);

  constructor(accounts: readonly SimulatorAccount[]) {
    for (const account of accounts) {
      if (this.accounts.has(account.username)) {
        throw new Error(`Duplicate simulator account: ${account.username}`);
      }
      this.accounts.set(account.username, {
        username: account.username,
        passwordDigest: digest(account.password),
        disabled: account.disabled ?? false,
      });
    }
  }

  has(username: string): boolean {
    return this.accounts.has(username);
  }

  update(username: string, patch: { readonly password?: string; readonly disabled?: boolean }): void {
    const account = this.accounts.get(username);
    if (!account) throw new Error(`Unknown simulator account: ${username}`);
    if (patch.password !== undefined) account.passwordDigest = digest(patch.password);
    if (patch.disabled !== undefined) account.disabled = patch.disabled;
  }

  login(
    username: string,
    password: string,
    switches: Pick<SimulatorSwitches, 'tokenLifetimeSeconds' | 'revokeOnNewLogin' | 'reuseTokenWithinMs'>,
    nowMs: number,
  ): LoginOutcome {
    const account = this.accounts.get(username);
    // Digest first so a wrong password and an unknown user cost the same.
    const given = digest(password);
    if (!account || !timingSafeEqual(given, account.passwordDigest) || account.disabled) return { ok: false };
    this.pruneExpired(nowMs);

    const recent = this.live.get(this.lastIssued.get(username) ?? '');
    if (
      recent &&
      switches.reuseTokenWithinMs > 0 &&
      nowMs - recent.issuedAtMs < switches.reuseTokenWithinMs
    ) {
      return { ok: true, token: recent.token, reused: true };
    }
    if (switches.revokeOnNewLogin) this.revokeFor(username);

    const jti = randomUUID();
    // exp is rounded up so the claim the client reads is exactly the moment the server stops accepting it.
    const exp = Math.ceil((nowMs + switches.tokenLifetimeSeconds * 1000) / 1000);
    const token = signJwt({ sub: username, iat: Math.floor(nowMs / 1000), exp, jti }, this.key);
    this.live.set(jti, { token, username, issuedAtMs: nowMs, expiresAtMs: exp * 1000 });
    this.lastIssued.set(username, jti);
    return { ok: true, token, reused: false };
  }

  authenticate(authorization: string | undefined, nowMs: number): AuthOutcome {
    if (authorization === undefined || authorization.trim() === '') return { ok: false, reason: 'missing' };
    const match = BEARER.exec(authorization);
    if (!match?.[1]) return { ok: false, reason: 'malformed' };
    const verified = verifyJwt(match[1], this.key);
    if (!verified.ok) return { ok: false, reason: verified.reason };
    const { claims } = verified;
    if (nowMs >= claims.exp * 1000) return { ok: false, reason: 'expired' };
    const issued = this.live.get(claims.jti);
    if (!issued || issued.username !== claims.sub) return { ok: false, reason: 'revoked' };
    if (this.accounts.get(claims.sub)?.disabled !== false) return { ok: false, reason: 'disabled' };
    return { ok: true, username: claims.sub };
  }

  revokeAll(): void {
    this.live.clear();
    this.lastIssued.clear();
  }

  revokeFor(username: string): void {
    for (const [jti, issued] of this.live) {
      if (issued.username === username) this.live.delete(jti);
    }
    this.lastIssued.delete(username);
  }

  private pruneExpired(nowMs: number): void {
    for (const [jti, issued] of this.live) {
      if (issued.expiresAtMs <= nowMs) this.live.delete(jti);
    }
  }
}
