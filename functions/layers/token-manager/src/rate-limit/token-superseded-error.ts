import { TokenUnavailableError } from '../errors';

/**
 * The token a call was about to send is no longer the company's current one (cleared, replaced after
 * a credentials change, or invalidated elsewhere); no rate-limit slot was spent. The token manager
 * answers it by fetching the current token; should it keep happening, callers see TOKEN_UNAVAILABLE.
 * Kept off the public face: it is a signal between the limiter and the token manager.
 */
export class TokenSupersededError extends TokenUnavailableError {
  constructor(companyId: string | undefined) {
    super(`The token of company ${companyId} was replaced or cleared meanwhile; retry shortly`, {
      retryAfterMs: 1_000,
    });
    this.name = 'TokenSupersededError';
  }
}
