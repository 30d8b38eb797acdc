/**
 * (d) The Python system this service replaces, ported onto the Data API:
 * the token in plaintext in `companies.bluestakes_token` with an expiry set from this container's
 * clock at store time. Check then act: read the row; valid only while now + buffer < expires_at,
 * otherwise clear it and log in and write; no lease, no shared rate limit; every database error is
 * swallowed (the read counts as a miss, so the caller logs in); a 401/403 clears the row
 * unconditionally, logs in again and retries once.
 */
import { createDataApiExecutor, type SqlExecutor } from '@bluestakes/token-manager/internal';
import { callWithOneRetry, createBaselineUpstream } from './baseline-upstream';
import type { StrategyDependencies, TokenStrategy } from './token-strategy';

const READ_SQL = `
SELECT bluestakes_token AS token,
       (EXTRACT(EPOCH FROM bluestakes_token_expires_at) * 1000)::bigint AS expires_at_ms
FROM companies WHERE id = CAST(:companyId AS bigint)`;

const STORE_SQL = `
UPDATE companies
SET bluestakes_token = :token,
    bluestakes_token_expires_at = to_timestamp(CAST(:expiresAtMs AS double precision) / 1000)
WHERE id = CAST(:companyId AS bigint)`;

const CLEAR_SQL = `
UPDATE companies SET bluestakes_token = NULL, bluestakes_token_expires_at = NULL
WHERE id = CAST(:companyId AS bigint)`;

export function createOriginalDbStrategy(deps: StrategyDependencies): TokenStrategy {
  const database = deps.database;
  if (database === undefined) throw new Error('The original-db strategy needs a database');
  const lifetimeMs = deps.timing.lifetimeSeconds * 1000;
  const bufferMs = deps.timing.refreshLeadSeconds * 1000;

  return {
    id: 'original-db',
    createContainer() {
      const upstream = createBaselineUpstream(deps);
      const client = database.createClient();
      deps.counters.countDataApiCalls(client);
      // No retry budget: the original had no retry around its database calls.
      const executor: SqlExecutor = createDataApiExecutor({
        resourceArn: database.resourceArn,
        secretArn: database.secretArn,
        database: database.database,
        client,
        retryBudgetMs: 0,
      });

      const clear = async (companyId: string) => {
        await executor.execute(CLEAR_SQL, { companyId }).catch(() => undefined);
      };

      const cachedToken = async (companyId: string): Promise<string | undefined> => {
        try {
          const { rows } = await executor.execute(READ_SQL, { companyId });
          const token = rows[0]?.token;
          if (typeof token !== 'string') return undefined;
          const expiresAtMs = Number(rows[0]?.expires_at_ms ?? Number.NaN);
          if (Date.now() + bufferMs < expiresAtMs) return token;
          await clear(companyId);
          return undefined;
        } catch {
          return undefined;
        }
      };

      const loginAndStore = async (companyId: string): Promise<string> => {
        const token = await upstream.login(companyId);
        // A failed write is only logged by the original; the caller still uses the token.
        await executor
          .execute(STORE_SQL, { companyId, token, expiresAtMs: Date.now() + lifetimeMs })
          .catch(() => undefined);
        return token;
      };

      const getToken = async (companyId: string): Promise<string> =>
        (await cachedToken(companyId)) ?? loginAndStore(companyId);

      return {
        getToken,
        async call(companyId, ticketNumber) {
          const token = await getToken(companyId);
          await callWithOneRetry(upstream, token, ticketNumber, async () => {
            await clear(companyId);
            return loginAndStore(companyId);
          });
        },
        async close() {
          upstream.close();
          client.destroy();
        },
      };
    },
  };
}
