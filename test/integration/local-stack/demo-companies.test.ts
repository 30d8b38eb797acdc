import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startLocalStack as StartLocalStack } from '../../../local/local-stack';
import { loadPgliteTemplate } from '../../support/pglite-template';

/** The demo companies come from the registry and the credentials API, once, whatever the restarts. */
describe('the local stack demo companies', () => {
  let dataDir: string;
  let startLocalStack: typeof StartLocalStack;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    ({ startLocalStack } = await import('../../../local/local-stack'));
    dataDir = await mkdtemp(join(tmpdir(), 'bts-demo-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function companiesOf(stack: Awaited<ReturnType<typeof StartLocalStack>>) {
    const response = await fetch(`${stack.apiUrl}/companies?limit=200`, {
      headers: { 'x-api-key': stack.apiKey },
    });
    return (
      (await response.json()) as { companies: { id: string; name: string; has_credentials: boolean }[] }
    ).companies;
  }

  it('are created through the registry with credentials stored, and not again on a restart', async () => {
    const ports = { api: 0, dataApi: 0, secrets: 0, bluestakes: 0 };
    const pgliteTemplate = await loadPgliteTemplate();
    const start = () => startLocalStack({ dataDir, ports, pgliteTemplate });
    const first = await start();
    const created = await companiesOf(first);
    await first.close();
    const second = await start();
    const again = await companiesOf(second);
    await second.close();

    expect(created.map(({ id, name, has_credentials }) => ({ id, name, has_credentials }))).toEqual([
      { id: '1', name: 'Acme Excavating', has_credentials: true },
      { id: '2', name: 'Beehive Fiber', has_credentials: true },
      { id: '3', name: 'Wasatch Plumbing', has_credentials: true },
      { id: '4', name: 'Retired Contractor', has_credentials: true },
    ]);
    expect(again.map((company) => company.id)).toEqual(['1', '2', '3', '4']);
    expect(second.companies).toEqual(first.companies);
  }, 240_000);
});
