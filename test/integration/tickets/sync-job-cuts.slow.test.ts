/**
 * A sync job killed at every point it can die (before each upstream call, after each progress write)
 * and delivered again: it resumes and ends as an uncut run does. One full run per cut point, so it
 * runs with the slow suite. The durable job against the real store (Data API emulator: PGlite, and
 * PostgreSQL when DATABASE_URL is set) and the Bluestakes simulator over loopback HTTP.
 */
import type { AuthenticatedBluestakes, TokenManager } from '@bluestakes/token-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncJobStore } from '../../../functions/tickets';
import { startTicketsHarness, type TicketsHarness } from '../../support/tickets-harness';

let h: TicketsHarness;

beforeAll(async () => {
  h = await startTicketsHarness({ accounts: [{ username: 'cut-co', tickets: 5 }] });
});

afterAll(async () => {
  await h?.close();
});

/** The process running a job dies: this call and every later one of that run fail. */
class Killed extends Error {
  constructor() {
    super('the process was killed');
    this.name = 'Killed';
  }
}

const WRITES = [
  'saveSearchPage',
  'plan',
  'completeTicket',
  'completeResponses',
  'skipTicket',
  'advance',
  'recordCheck',
  'finish',
  'wait',
] as const;

interface Cut {
  readonly kind: 'upstream' | 'write';
  /** 1-based: the n-th upstream call (before it is made) or the n-th progress write (after it applied). */
  readonly at: number;
}

/** A run that counts its upstream calls and progress writes and dies at `cut`, as a killed Lambda would. */
function killableRun(cut: Cut | undefined) {
  const counts = { upstream: 0, write: 0 };
  let dead = false;
  const details: string[] = [];
  const manager = h.createManager();
  const tokens: Pick<TokenManager, 'makeAuthenticatedRequest'> = {
    makeAuthenticatedRequest(companyId, request) {
      if (dead) throw new Killed();
      counts.upstream += 1;
      if (cut?.kind === 'upstream' && counts.upstream === cut.at) {
        dead = true;
        throw new Killed();
      }
      return manager.makeAuthenticatedRequest(companyId, (api: AuthenticatedBluestakes) =>
        request({
          ...api,
          getTicket: (number, options) => {
            details.push(number);
            return api.getTicket(number, options);
          },
        }),
      );
    },
  };
  const jobs = new Proxy(h.jobs, {
    get(target, property: keyof SyncJobStore) {
      const method = target[property] as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        if (dead) throw new Killed();
        const result = await method.apply(target, args);
        if ((WRITES as readonly string[]).includes(property)) {
          counts.write += 1;
          if (cut?.kind === 'write' && counts.write === cut.at) {
            dead = true;
            throw new Killed();
          }
        }
        return result;
      };
    },
  });
  const service = h.createService({ tokens, jobs, pageSize: 2, concurrency: 1 });
  return { service, counts, details };
}

async function resetCompany(companyId: string): Promise<void> {
  for (const table of ['ticket_sync_jobs', 'project_tickets', 'updatable_tickets']) {
    await h.base.sql(`DELETE FROM ${table} WHERE company_id = CAST(:companyId AS bigint)`, { companyId });
  }
}

async function snapshot(companyId: string) {
  const tickets = await h.storedTickets(companyId);
  const updatable = await h.base.sql(
    'SELECT ticket_number FROM updatable_tickets WHERE company_id = CAST(:companyId AS bigint) ORDER BY 1',
    { companyId },
  );
  return {
    tickets: tickets.map((row) => [row.ticket_number, row.revision, row.raw_md5, row.responses_md5]),
    updatable: updatable.map((row) => row.ticket_number),
  };
}

/** Starts the company's job and delivers its message to a run, as the queue would. */
async function deliver(run: ReturnType<typeof killableRun>, companyId: string, start: boolean) {
  if (start) await run.service.enqueueTicketSyncs({ companyId, daysBack: 90 });
  const body = JSON.stringify({ company_id: companyId, days_back: 90 });
  return run.service.processSyncRecords([{ messageId: 'm1', body }]);
}

describe('a sync job cut at any point', () => {
  it('resumes where it stopped and ends as an uncut run does, fetching no stored ticket twice', async () => {
    const company = h.companyByUsername('cut-co');
    await resetCompany(company.id);
    const clean = killableRun(undefined);
    const { results } = await deliver(clean, company.id, true);
    expect(results).toMatchObject([{ state: 'done', tickets_found: 5, tickets_stored: 5 }]);
    const expected = await snapshot(company.id);
    expect(expected.tickets).toHaveLength(5);
    const { upstream, write } = clean.counts;
    expect(upstream).toBeGreaterThan(10);
    expect(write).toBeGreaterThan(10);

    const cuts: Cut[] = [
      ...Array.from({ length: upstream }, (_, index) => ({ kind: 'upstream' as const, at: index + 1 })),
      ...Array.from({ length: write }, (_, index) => ({ kind: 'write' as const, at: index + 1 })),
    ];
    for (const cut of cuts) {
      const label = `${cut.kind} #${cut.at}`;
      await resetCompany(company.id);
      const killed = killableRun(cut);
      // The message is not acknowledged: SQS delivers it again once its visibility timeout passes.
      await expect(deliver(killed, company.id, true), label).resolves.toMatchObject({
        failedMessageIds: ['m1'],
      });
      // The killed run's lease runs out (in Lambda: its deadline plus slack passes).
      await h.base.sql(
        "UPDATE ticket_sync_jobs SET run_until = now() - interval '1 second' WHERE company_id = CAST(:id AS bigint)",
        { id: company.id },
      );

      const resumed = killableRun(undefined);
      const redelivered = await deliver(resumed, company.id, false);

      expect(redelivered.failedMessageIds, label).toEqual([]);
      expect(redelivered.results, label).toMatchObject([
        { state: 'done', complete: true, tickets_found: 5, tickets_stored: 5 },
      ]);
      expect(await snapshot(company.id), label).toEqual(expected);
      // Only a detail fetched but not yet stored when the process died is fetched again.
      const again = resumed.details.filter((number) => killed.details.includes(number));
      expect(again.length, label).toBeLessThanOrEqual(1);
      if (again.length === 1) expect(killed.details.at(-1), label).toBe(again[0]);
      expect(resumed.counts.upstream + killed.counts.upstream, label).toBeLessThanOrEqual(upstream + 2);
    }
  }, 300_000);
});
