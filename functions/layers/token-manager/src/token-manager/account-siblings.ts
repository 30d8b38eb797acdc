import type { BluestakesLogin } from '../bluestakes';
import { tokenFingerprint } from '../bluestakes/token-info';
import { TokenServiceError } from '../errors';
import type { Lease, TokenRow, TokenWrite } from '../store';
import { type L1Cache, type L1Entry, l1Entry } from './l1-cache';
import type { ProtocolContext } from './token-manager-types';
import type { TokenSealing } from './token-sealing';

/**
 * Companies on one Bluestakes account share its token: a login revokes the account's older tokens,
 * so a sibling's valid token is adopted instead of logging in, and a fresh login is handed on.
 */
export interface AccountSiblings {
  /** Companies on the same Bluestakes account; best effort (none when the store cannot tell). */
  find(companyId: string, accountKey: string): Promise<TokenRow[]>;
  /**
   * A sibling on the same account already holds a token that is not due: use it instead of logging
   * in (a login would revoke it). Undefined when there is none; `{ token: undefined }` when the lease
   * was lost meanwhile.
   */
  adopt(
    companyId: string,
    lease: Lease,
    accountKey: string,
    siblings: readonly TokenRow[],
  ): Promise<{ token: L1Entry | undefined } | undefined>;
  /**
   * Hands a fresh login to the companies on the same account (it has just revoked their tokens
   * upstream), each only if its row did not move since it was read before the login. Best effort.
   */
  share(
    companyId: string,
    siblings: readonly TokenRow[],
    login: BluestakesLogin,
    write: TokenWrite,
  ): Promise<void>;
}

export function createAccountSiblings(
  ctx: ProtocolContext,
  sealing: TokenSealing,
  l1: L1Cache,
): AccountSiblings {
  const { store, log, metrics } = ctx;

  return {
    async find(companyId, accountKey) {
      if (store.accountSiblings === undefined) return [];
      try {
        return await store.accountSiblings(companyId, accountKey);
      } catch (error) {
        log.warn('Could not look up companies sharing the Bluestakes account', {
          companyId,
          errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
        });
        return [];
      }
    },

    async adopt(companyId, lease, accountKey, siblings) {
      for (const sibling of siblings) {
        if ((sibling.refreshInMs ?? 0) <= 0 || (sibling.expiresInMs ?? 0) <= 0) continue;
        const token = await sealing.open(sibling.companyId, sibling);
        if (token === undefined) continue;
        const issuedAgoSeconds = Math.max(0, (sibling.issuedAgoMs ?? 0) / 1000);
        const expiresInSeconds = (sibling.expiresInMs ?? 0) / 1000;
        const seal = await sealing.sealer(token);
        const write: TokenWrite = {
          encryptFor: (version) => seal(companyId, version),
          fingerprint: tokenFingerprint(token),
          accountKey,
          lifetimeSeconds: issuedAgoSeconds + expiresInSeconds,
          refreshLeadSeconds: expiresInSeconds - (sibling.refreshInMs ?? 0) / 1000,
          elapsedSeconds: issuedAgoSeconds,
          event: 'token_shared',
        };
        const written = await store.writeToken(companyId, lease, write);
        metrics.count('TokenShared');
        log.info('Using the token of a company on the same Bluestakes account', {
          companyId,
          fromCompanyId: sibling.companyId,
          fingerprint: write.fingerprint,
          leaseKept: written !== undefined,
        });
        if (written === undefined) return { token: undefined };
        const shared = l1Entry(ctx.now(), token, written.version, accountKey, {
          refreshInMs: written.refreshInMs,
          expiresInMs: written.expiresInMs,
          issuedAgoMs: sibling.issuedAgoMs ?? 0,
        });
        l1.set(companyId, shared);
        return { token: shared };
      }
      return undefined;
    },

    async share(companyId, siblings, login, write) {
      if (store.shareToken === undefined) return;
      const seal = await sealing.sealer(login.token);
      for (const sibling of siblings) {
        try {
          const written = await store.shareToken(sibling.companyId, sibling.version, {
            ...write,
            encryptFor: (version) => seal(sibling.companyId, version),
            event: 'token_shared',
          });
          l1.delete(sibling.companyId);
          if (written !== undefined) metrics.count('TokenShared');
        } catch (error) {
          log.warn('Could not share a login with a company on the same Bluestakes account', {
            companyId,
            siblingCompanyId: sibling.companyId,
            errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
          });
        }
      }
    },
  };
}
