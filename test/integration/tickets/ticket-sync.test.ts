import type { TokenManager } from '@bluestakes/token-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorTicketSeed } from '../../../local/bluestakes-simulator';
import { latestSimulatorRows, startTicketsHarness, type TicketsHarness } from '../../support/tickets-harness';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const T0 = Date.now();

const OLD = 'A250010001';
const NEW = 'A250020002';
const PLACEHOLDERS = 'A250030003';
const SAME_NUMBERS = 'A250040004';

/** A replaced ticket and its successor, plus the address shapes the location text must cope with. */
const LINEAGE_SEEDS: readonly SimulatorTicketSeed[] = [
  {
    ticket: OLD,
    started: iso(T0 - 10 * DAY),
    replace_by_date: iso(T0 + 3 * DAY),
    expires: iso(T0 + 10 * DAY),
    original_ticket: ' ',
  },
  {
    ticket: NEW,
    started: iso(T0 - DAY),
    // Padded, as the upstream has been seen to send numbers.
    original_ticket: `${OLD}  `,
    replace_by_date: iso(T0 + 20 * DAY),
    expires: iso(T0 + 27 * DAY),
  },
  {
    ticket: PLACEHOLDERS,
    started: iso(T0 - 2 * DAY),
    replace_by_date: iso(T0 + 20 * DAY),
    expires: iso(T0 + 27 * DAY),
    original_ticket: ' ',
    st_from_address: '0',
    st_to_address: '0',
    cross1: ' ',
    cross2: ' ',
    street: '  S STATE ST ',
    place: 'SANDY',
    county: 'SALT LAKE',
  },
  {
    ticket: `${SAME_NUMBERS} `,
    revision: '0',
    started: iso(T0 - 3 * DAY),
    replace_by_date: iso(T0 + 20 * DAY),
    expires: iso(T0 + 27 * DAY),
    original_ticket: ' ',
    street: 'S MAIN ST',
  },
  {
    ticket: `${SAME_NUMBERS} `,
    revision: '1',
    started: iso(T0 - 2 * DAY),
    replace_by_date: iso(T0 + 20 * DAY),
    expires: iso(T0 + 27 * DAY),
    original_ticket: ' ',
    st_from_address: '1200',
    st_to_address: '1200',
    cross1: 'E 300 S',
    cross2: ' ',
    street: 'S STATE ST',
    place: ' PROVO ',
    county: 'UTAH',
  },
];

let h: TicketsHarness;

beforeAll(async () => {
  h = await startTicketsHarness({
    accounts: [
      { username: 'bulk-co', tickets: 250 },
      { username: 'lineage-co', tickets: LINEAGE_SEEDS },
      { username: 'revoke-co', tickets: 40 },
    ],
  });
});

afterAll(async () => {
  await h?.close();
});

/** Stored rows still awaiting member responses: live, fewer responses than members. */
function awaitingResponses(rows: Record<string, unknown>[]): number {
  return rows.filter((row) => row.awaiting_responses === true).length;
}

async function updatableRows(companyId: string) {
  return h.base.sql(
    `SELECT ticket_number, replace_by_date, found_at FROM updatable_tickets
     WHERE company_id = CAST(:companyId AS bigint) ORDER BY ticket_number`,
    { companyId },
  );
}

describe('a company with 250 tickets over several pages and revisions', () => {
  const company = () => h.companyByUsername('bulk-co');
  let syncNow: Date;

  it('stores each ticket once, trimmed, at its highest revision', async () => {
    syncNow = new Date();
    const result = await h.createService().syncCompanyTickets(company().id, { daysBack: 90, now: syncNow });

    const latest = latestSimulatorRows(h.simulatorTickets(company()));
    expect(latest.size).toBe(250);
    expect(h.simulatorTickets(company()).length).toBeGreaterThan(250);
    expect(result).toMatchObject({
      company_id: company().id,
      state: 'done',
      tickets_found: 250,
      tickets_stored: 250,
      tickets_remaining: 0,
      fetched: 250,
      inserted: 250,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      complete: true,
    });
    expect(result.pages).toBeGreaterThanOrEqual(3);

    const stored = await h.storedTickets(company().id);
    expect(stored).toHaveLength(250);
    for (const row of stored) {
      const source = latest.get(String(row.ticket_number));
      expect(source, `stored ${row.ticket_number} is a simulator ticket`).toBeDefined();
      expect(String(row.revision)).toBe(source?.revision);
      expect(String(row.ticket_number)).toBe(String(row.ticket_number).trim());
    }
    expect([...latest.values()].some((row) => row.ticket !== row.ticket.trim())).toBe(true);
  });

  it('links each replacement to the ticket it replaces and retires that one', async () => {
    const stored = await h.storedTickets(company().id);
    const replacements = stored.filter((row) => row.old_ticket !== null);
    expect(replacements.length).toBeGreaterThan(0);
    for (const replacement of replacements) {
      const old = stored.find((row) => row.ticket_number === replacement.old_ticket);
      expect(old).toMatchObject({ is_continue_update: false, replaced_by: replacement.ticket_number });
    }
  });

  it('records the tickets Bluestakes lets update, due within 7 days, and only those', async () => {
    const latest = latestSimulatorRows(h.simulatorTickets(company()));
    const replaced = new Set([...latest.values()].map((row) => row.original_ticket.trim()).filter(Boolean));
    const expected = [...latest.entries()]
      .filter(([number, row]) => {
        const replaceBy = Date.parse(row.replace_by_date);
        return (
          !replaced.has(number) &&
          Date.parse(row.expires) > syncNow.getTime() &&
          replaceBy >= syncNow.getTime() &&
          replaceBy <= syncNow.getTime() + 7 * DAY
        );
      })
      .map(([number]) => number)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect((await updatableRows(company().id)).map((row) => row.ticket_number)).toEqual(expected);
  });

  it('changes nothing on a second run and fetches no ticket detail: only the search and awaited responses', async () => {
    const before = JSON.stringify(await h.storedTickets(company().id));
    const updatableBefore = await updatableRows(company().id);
    const secondaryCalls = () =>
      h.base.simulator.stats().requestsByEndpoint['GET /api/tickets/{ticket}/secondary-functions'] ?? 0;
    const checksBefore = secondaryCalls();
    const detailCalls = () => h.base.simulator.stats().requestsByEndpoint['GET /api/tickets/{ticket}'] ?? 0;
    const detailsBefore = detailCalls();
    const storedBefore = await h.storedTickets(company().id);

    const result = await h.createService().syncCompanyTickets(company().id, { daysBack: 90 });

    expect(detailCalls()).toBe(detailsBefore);
    // Responses only for live tickets some member has not answered yet (they arrive without a new revision).
    expect(result.upstream_calls).toBe(result.pages + awaitingResponses(storedBefore));
    expect(result).toMatchObject({
      tickets_found: 250,
      fetched: 0,
      inserted: 0,
      updated: 0,
      unchanged: 250,
      retired: 0,
      checked: 0,
      updatable: 0,
      complete: true,
    });
    // The search confirmed every row current (synced_at moves), nothing else changes.
    const withoutSyncTime = (rows: Record<string, unknown>[]) =>
      JSON.stringify(rows.map(({ synced_at: _synced, ...rest }) => rest));
    expect(withoutSyncTime(await h.storedTickets(company().id))).toBe(withoutSyncTime(JSON.parse(before)));
    expect(await updatableRows(company().id)).toEqual(updatableBefore);
    expect(secondaryCalls()).toBe(checksBefore);
  });
});

describe('a ticket replaced by a new one', () => {
  const company = () => h.companyByUsername('lineage-co');
  const row = async (number: string) =>
    (await h.storedTickets(company().id)).find((candidate) => candidate.ticket_number === number);

  it('is stored live while its successor has not been seen', async () => {
    const result = await h
      .createService()
      .syncCompanyTickets(company().id, { daysBack: 28, now: new Date(Date.now() - 5 * DAY) });

    expect(result).toMatchObject({ tickets_found: 1, inserted: 1, retired: 0 });
    expect(await row(OLD)).toMatchObject({ is_continue_update: true, replaced_by: null, old_ticket: null });
  });

  it('is retired once its successor arrives, and the successor links to it', async () => {
    const result = await h.createService().syncCompanyTickets(company().id, { daysBack: 28 });

    expect(result).toMatchObject({ tickets_found: 4, inserted: 3, retired: 1 });
    expect(await row(NEW)).toMatchObject({ old_ticket: OLD, is_continue_update: true });
    expect(await row(OLD)).toMatchObject({ is_continue_update: false, replaced_by: NEW });
  });

  it("never overrides a user's choice afterwards, in either direction", async () => {
    await h.base.sql(
      `UPDATE project_tickets SET is_continue_update = (ticket_number = :old)
       WHERE ticket_number IN (:old, :placeholders)`,
      { old: OLD, placeholders: PLACEHOLDERS },
    );

    const result = await h.createService().syncCompanyTickets(company().id, { daysBack: 28 });

    expect(result).toMatchObject({ retired: 0, inserted: 0, updated: 0, unchanged: 4 });
    expect(await row(OLD)).toMatchObject({ is_continue_update: true });
    expect(await row(PLACEHOLDERS)).toMatchObject({ is_continue_update: false });
  });
});

describe('the location of a synced ticket', () => {
  const company = () => h.companyByUsername('lineage-co');

  it('leaves out "0" house numbers and blank cross streets', async () => {
    const location = await h
      .createService()
      .getTicketLocation(company().id, PLACEHOLDERS, { maxAgeSeconds: 3600 });

    expect(location).toMatchObject({
      ticket: PLACEHOLDERS,
      source: 'stored',
      location: 'S STATE ST, SANDY, SALT LAKE COUNTY',
    });
    const seeded = h.simulatorTickets(company()).find((ticket) => ticket.ticket === PLACEHOLDERS);
    expect(location.work_area).toEqual(seeded?.work_area);
  });

  it('writes one house number when both are equal, "at" one cross street, from the highest revision', async () => {
    const location = await h
      .createService()
      .getTicketLocation(company().id, SAME_NUMBERS, { maxAgeSeconds: 3600 });

    expect(location).toMatchObject({
      ticket: SAME_NUMBERS,
      revision: 1,
      location: '1200 S STATE ST at E 300 S, PROVO, UTAH COUNTY',
      place: 'PROVO',
    });
  });
});

describe('a token revoked in the middle of a sync', () => {
  it('costs one login and loses no ticket', async () => {
    const company = h.companyByUsername('revoke-co');
    const manager = h.createManager();
    let calls = 0;
    const tokens: Pick<TokenManager, 'makeAuthenticatedRequest'> = {
      makeAuthenticatedRequest(companyId, request) {
        calls += 1;
        // Bluestakes voids the token while the sync is fetching ticket details.
        if (calls === 12) h.base.simulator.revokeTokensFor(company.username);
        return manager.makeAuthenticatedRequest(companyId, request);
      },
    };

    const result = await h.createService({ tokens }).syncCompanyTickets(company.id, { daysBack: 90 });

    const stats = h.base.simulator.stats();
    expect(stats.logins[company.username]).toEqual({ ok: 2, failed: 0 });
    expect(stats.responsesByStatus['401']).toBeGreaterThan(0);
    const expected = latestSimulatorRows(h.simulatorTickets(company));
    expect(result).toMatchObject({
      tickets_found: expected.size,
      fetched: expected.size,
      skipped: 0,
      complete: true,
    });
    expect((await h.storedTickets(company.id)).map((row) => row.ticket_number)).toEqual(
      [...expected.keys()].sort(),
    );
  });
});
