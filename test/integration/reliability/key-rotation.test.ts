import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { generateTokenKeyringSecret, parseTokenKeyring } from '@bluestakes/token-manager/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCompanyRow, outcomeOf, upstreamLogins, within } from '../../support/reliability-checks';
import {
  KEY_SECRET_ID,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

/**
 * Rotating the token encryption key end to end, as an operator would: add k2 and make it current
 * (k1 stays for reading), then remove k1. Containers are TokenManager instances with their own
 * cached keyring; the database, Secrets Manager and the simulator are shared.
 */
describe('token encryption key rotation', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 3 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const secrets = () => harness.createSecretsManagerClient();
  const keyringSecret = async () =>
    (await secrets().send(new GetSecretValueCommand({ SecretId: KEY_SECRET_ID }))).SecretString!;
  const putKeyring = (value: string) =>
    secrets().send(new PutSecretValueCommand({ SecretId: KEY_SECRET_ID, SecretString: value }));
  const rawToken = async (id: string) =>
    String(
      (
        await harness.sql('SELECT bluestakes_token AS token FROM companies WHERE id = CAST(:id AS bigint)', {
          id,
        })
      )[0]?.token,
    );
  const loginsOf = (index: number) => upstreamLogins(harness, harness.companies[index]!.username);

  it('reads k1 rows after k2 is added and made current, writes new rows with k2, and fails safe on k1 rows once k1 is removed', async () => {
    const [one, two, three] = harness.companies as [
      (typeof harness.companies)[0],
      (typeof harness.companies)[0],
      (typeof harness.companies)[0],
    ];
    const warm = harness.createManager();
    const underK1 = await within(warm.getOrRefreshToken(one.id), 'k1 token');
    const alsoUnderK1 = await within(warm.getOrRefreshToken(three.id), 'second k1 token');
    expect(await rawToken(one.id)).toMatch(/^enc:v1:k1:/);

    // Rotation step 1: add k2 and make it current; k1 stays so existing rows still read.
    await putKeyring(generateTokenKeyringSecret('k2', parseTokenKeyring(await keyringSecret())));

    const fresh = harness.createManager();
    expect(await within(fresh.getOrRefreshToken(one.id), 'k1 row, new container')).toBe(underK1);
    const underK2 = await within(fresh.getOrRefreshToken(two.id), 'new row');
    expect(await rawToken(two.id)).toMatch(/^enc:v1:k2:/);
    expect(await checkCompanyRow(harness, two.id)).toMatchObject({ token: underK2, keyId: 'k2' });
    // A warm container loaded its keyring before k2 existed: it re-reads it once and serves the k2 row.
    expect(await within(warm.getOrRefreshToken(two.id), 'k2 row, warm container')).toBe(underK2);
    expect([loginsOf(0), loginsOf(1), loginsOf(2)]).toEqual([1, 1, 1]);

    // Rotation step 2: remove k1. Its rows no longer decrypt and must fail safely: no crash, no login
    // storm, no secret in a log line; either one re-login or a typed error with a retry hint.
    const ring = parseTokenKeyring(await keyringSecret());
    await putKeyring(
      JSON.stringify({ currentKeyId: 'k2', keys: { k2: Buffer.from(ring.keys.k2!).toString('base64') } }),
    );
    const logStart = harness.logs.lines.length;
    const fleet = Array.from({ length: 4 }, () => harness.createManager());

    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        outcomeOf(fleet[index % 4]!.getOrRefreshToken(one.id), `k1 row after k1 is gone, caller ${index}`),
      ),
    );

    // The unreadable k1 row is invalidated (that version only) and replaced by exactly one login.
    const served = new Set(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : [])));
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    expect(served.size).toBe(1);
    expect(served.has(underK1)).toBe(false);
    expect(loginsOf(0)).toBe(2);
    const [recovered] = [...served];
    expect(await rawToken(one.id)).toMatch(/^enc:v1:k2:/);
    expect(await checkCompanyRow(harness, one.id)).toMatchObject({
      token: recovered,
      version: 2,
      keyId: 'k2',
    });
    const newLines = harness.logs.lines.slice(logStart).join('\n');
    expect(newLines).toContain('could not be decrypted');
    for (const secret of [
      underK1,
      underK2,
      alsoUnderK1,
      ...Object.values(ring.keys).map((key) => Buffer.from(key).toString('base64')),
    ]) {
      expect(newLines).not.toContain(secret);
    }

    // k2 rows are untouched by the removal.
    expect(await within(fleet[0]!.getOrRefreshToken(two.id), 'k2 row')).toBe(underK2);
    expect(loginsOf(1)).toBe(1);
  });

  it('treats a corrupted ciphertext as unusable without crashing and replaces it with one login', async () => {
    const three = harness.companies[2]!;
    const before = loginsOf(2);
    await harness.sql(
      "UPDATE companies SET bluestakes_token = 'enc:v1:k2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE id = CAST(:id AS bigint)",
      { id: three.id },
    );
    const manager = harness.createManager();

    const outcome = await outcomeOf(manager.getOrRefreshToken(three.id), 'after corruption');

    expect(outcome.ok).toBe(true);
    expect(loginsOf(2)).toBe(before + 1);
    const token = outcome.ok ? outcome.value : '';
    expect(await checkCompanyRow(harness, three.id)).toMatchObject({ token, keyId: 'k2' });
  });
});
