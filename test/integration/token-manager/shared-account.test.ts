import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { credentialsSecretName } from '@bluestakes/token-manager/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamLogins } from '../../support/reliability-checks';
import {
  SECRET_PREFIX,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

/**
 * Two companies whose credentials are the same Bluestakes account. A login revokes the account's
 * older tokens, so two cached tokens would knock each other out; the companies share one instead.
 */
describe('companies sharing one Bluestakes account', () => {
  let harness: TokenServiceHarness;
  const SECOND_ID = '2';

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 1, simulator: { revokeOnNewLogin: true } });
    const { username, password } = harness.companies[0]!;
    await harness.sql("INSERT INTO companies (id, name) VALUES (CAST(:id AS bigint), 'Same account')", {
      id: SECOND_ID,
    });
    await harness.createSecretsManagerClient().send(
      new CreateSecretCommand({
        Name: credentialsSecretName(SECRET_PREFIX, SECOND_ID),
        SecretString: JSON.stringify({ username, password }),
      }),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('serves both companies from one login instead of ping-ponging logins', async () => {
    const { id, username } = harness.companies[0]!;
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const env = { TOKEN_L1_MAX_STALENESS_MS: '100' };
    const first = harness.createManager({ env });
    const second = harness.createManager({ env });

    const outcomes: string[] = [];
    const endsAt = Date.now() + 2_000;
    while (Date.now() < endsAt) {
      for (const [manager, companyId] of [
        [first, id],
        [second, SECOND_ID],
      ] as const) {
        outcomes.push(
          await manager
            .makeAuthenticatedRequest(companyId, (api) => api.getTicket(ticket))
            .then(
              () => 'ok',
              (error: { code?: string }) => error.code ?? 'UNEXPECTED',
            ),
        );
      }
      await sleep(50);
    }

    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await first.getOrRefreshToken(id)).toBe(await second.getOrRefreshToken(SECOND_ID));
    const [shared] = await harness.sql(
      "SELECT count(*) AS shared FROM token_auth_events WHERE event = 'token_shared' AND company_id = CAST(:id AS bigint)",
      { id: SECOND_ID },
    );
    expect(Number(shared?.shared)).toBe(1);
  });

  it('hands the verification login of stored credentials to the other company on the account', async () => {
    const { id, username, password } = harness.companies[0]!;
    const before = upstreamLogins(harness, username);

    await harness.createManager().storeCredentials(id, { username, password }, { verify: true });

    // The verification login revoked the shared token upstream; the second company got the new one.
    const first = await harness.createManager().getOrRefreshToken(id);
    expect(await harness.createManager().getOrRefreshToken(SECOND_ID)).toBe(first);
    expect(upstreamLogins(harness, username)).toBe(before + 1);
  });
});
