import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BluestakesSimulator, startBluestakesSimulator } from '../../../local/bluestakes-simulator';
import { getWithToken, jwtPart, loginJson, messageOf, request, tokenFor } from './http-client';

const ACCOUNTS = [
  { username: 'alpha', password: 'alpha-pass', tickets: 3 },
  { username: 'bravo', password: 'bravo-pass', tickets: 3 },
];

let sim: BluestakesSimulator;
let other: BluestakesSimulator;

beforeAll(async () => {
  sim = await startBluestakesSimulator({ accounts: ACCOUNTS });
  other = await startBluestakesSimulator({ accounts: ACCOUNTS });
});

afterEach(() => {
  sim.configure({
    rejectWith: 401,
    revokeOnNewLogin: false,
    reuseTokenWithinMs: 0,
    tokenLifetimeSeconds: 3600,
  });
  sim.updateAccount('alpha', { disabled: false });
});

afterAll(async () => {
  await Promise.all([sim.close(), other.close()]);
});

const search = (token: string) => getWithToken(sim, '/api/tickets/search', token);

describe('the bearer check on /api/tickets/*', () => {
  it('lets a fresh token through', async () => {
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');

    expect((await search(token)).status).toBe(200);
  });

  it('answers 401 without an Authorization header', async () => {
    const result = await request(sim, '/api/tickets/search');

    expect(result.status).toBe(401);
    expect(messageOf(result)).toEqual(expect.any(String));
  });

  it.each([
    ['another scheme', 'Basic YWxwaGE6YWxwaGEtcGFzcw=='],
    ['a bare token without scheme', 'abc.def.ghi'],
    ['a non-JWT bearer value', 'Bearer not-a-jwt'],
    ['an empty bearer value', 'Bearer '],
  ])('answers 401 for %s', async (_case, header) => {
    const result = await request(sim, '/api/tickets/search', { headers: { authorization: header } });

    expect(result.status).toBe(401);
  });

  it('answers 401 for a token whose payload was edited', async () => {
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...jwtPart(token, 1), sub: 'bravo' })).toString('base64url');

    expect((await search(`${header}.${payload}.${signature}`)).status).toBe(401);
  });

  it('answers 401 for an unsigned alg "none" token', async () => {
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

    expect((await search(`${header}.${token.split('.')[1]}.`)).status).toBe(401);
  });

  it('answers 401 for a token another simulator signed', async () => {
    const foreign = await tokenFor(other, 'alpha', 'alpha-pass');

    expect((await search(foreign)).status).toBe(401);
  });

  it('answers 401 once the exp claim has passed', async () => {
    sim.configure({ tokenLifetimeSeconds: 1 });
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');
    const { exp } = jwtPart(token, 1) as { exp: number };
    expect((await search(token)).status).toBe(200);

    await sleep(exp * 1000 - Date.now() + 50);
    const result = await search(token);

    expect(result.status).toBe(401);
    expect(messageOf(result)).toBe('Token expired');
  });

  it('stops accepting a disabled account’s tokens', async () => {
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');

    sim.updateAccount('alpha', { disabled: true });

    expect((await search(token)).status).toBe(401);
  });
});

describe('403 mode', () => {
  it('answers 403 instead of 401 for missing, bad and revoked tokens', async () => {
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');
    sim.configure({ rejectWith: 403 });
    sim.revokeTokensFor('alpha');

    expect((await request(sim, '/api/tickets/search')).status).toBe(403);
    expect((await search('x.y.z')).status).toBe(403);
    expect((await search(token)).status).toBe(403);
  });

  it('still serves valid tokens', async () => {
    sim.configure({ rejectWith: 403 });
    const token = await tokenFor(sim, 'alpha', 'alpha-pass');

    expect((await search(token)).status).toBe(200);
  });
});

describe('revocation', () => {
  it('keeps older tokens alive on a new login by default', async () => {
    const first = await tokenFor(sim, 'alpha', 'alpha-pass');
    const second = await tokenFor(sim, 'alpha', 'alpha-pass');

    expect((await search(first)).status).toBe(200);
    expect((await search(second)).status).toBe(200);
  });

  it('voids the account’s older tokens on a new login when revokeOnNewLogin is on', async () => {
    sim.configure({ revokeOnNewLogin: true });
    const first = await tokenFor(sim, 'alpha', 'alpha-pass');
    const bravo = await tokenFor(sim, 'bravo', 'bravo-pass');
    const second = await tokenFor(sim, 'alpha', 'alpha-pass');

    const revoked = await search(first);
    expect(revoked.status).toBe(401);
    expect(messageOf(revoked)).toBe('Token revoked');
    expect((await search(second)).status).toBe(200);
    expect((await search(bravo)).status).toBe(200);
  });

  it('revokeTokensFor voids one account only', async () => {
    const alpha = await tokenFor(sim, 'alpha', 'alpha-pass');
    const bravo = await tokenFor(sim, 'bravo', 'bravo-pass');

    sim.revokeTokensFor('alpha');

    expect((await search(alpha)).status).toBe(401);
    expect((await search(bravo)).status).toBe(200);
    expect((await search(await tokenFor(sim, 'alpha', 'alpha-pass'))).status).toBe(200);
  });

  it('revokeAll voids every account', async () => {
    const alpha = await tokenFor(sim, 'alpha', 'alpha-pass');
    const bravo = await tokenFor(sim, 'bravo', 'bravo-pass');

    sim.revokeAll();

    expect((await search(alpha)).status).toBe(401);
    expect((await search(bravo)).status).toBe(401);
  });

  it('the admin route revokes one account or all', async () => {
    const alpha = await tokenFor(sim, 'alpha', 'alpha-pass');
    const bravo = await tokenFor(sim, 'bravo', 'bravo-pass');
    const post = (body: unknown) =>
      request(sim, '/__sim/revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post({ username: 'alpha' })).status).toBe(200);
    expect((await search(alpha)).status).toBe(401);
    expect((await search(bravo)).status).toBe(200);
    expect((await post({})).status).toBe(200);
    expect((await search(bravo)).status).toBe(401);
    expect((await post({ username: 7 })).status).toBe(400);
  });
});

describe('an early login returns the same token', () => {
  it('hands out the previous token within reuseTokenWithinMs, a new one after', async () => {
    sim.configure({ reuseTokenWithinMs: 1000 });
    sim.resetStats();

    const first = await tokenFor(sim, 'alpha', 'alpha-pass');
    const early = await tokenFor(sim, 'alpha', 'alpha-pass');
    const otherAccount = await tokenFor(sim, 'bravo', 'bravo-pass');
    await sleep(1050);
    const later = await tokenFor(sim, 'alpha', 'alpha-pass');

    expect(early).toBe(first);
    expect(otherAccount).not.toBe(first);
    expect(later).not.toBe(first);
    expect(sim.stats().logins.alpha).toEqual({ ok: 3, failed: 0 });
    expect(sim.stats().tokensIssued).toBe(3);
  });

  it('does not reuse a token that was revoked', async () => {
    sim.configure({ reuseTokenWithinMs: 10_000 });
    const first = await tokenFor(sim, 'alpha', 'alpha-pass');
    sim.revokeTokensFor('alpha');

    const next = await tokenFor(sim, 'alpha', 'alpha-pass');

    expect(next).not.toBe(first);
    expect((await search(next)).status).toBe(200);
  });

  it('still checks the password before reusing', async () => {
    sim.configure({ reuseTokenWithinMs: 10_000 });
    await tokenFor(sim, 'alpha', 'alpha-pass');

    expect((await loginJson(sim, { username: 'alpha', password: 'guess' })).status).toBe(401);
  });
});
