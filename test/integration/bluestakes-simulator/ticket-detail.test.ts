import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BluestakesSimulator,
  type SimulatorTicket,
  startBluestakesSimulator,
} from '../../../local/bluestakes-simulator';
import { getWithToken, messageOf, request, tokenFor } from './http-client';

const DAY = 86_400_000;

let sim: BluestakesSimulator;
let token: string;

beforeAll(async () => {
  sim = await startBluestakesSimulator({
    seed: 42,
    accounts: [
      { username: 'crew', password: 'crew-pass', tickets: 40 },
      { username: 'rival', password: 'rival-pass', tickets: 5 },
      {
        username: 'handmade',
        password: 'hand-pass',
        tickets: [
          { ticket: 'A250010001', revision: '0', county: 'IRON', place: 'CEDAR CITY' },
          { ticket: 'A250010001', revision: '1', county: 'IRON', place: 'CEDAR CITY', remarks: 'WIDER AREA' },
        ],
      },
    ],
  });
  token = await tokenFor(sim, 'crew', 'crew-pass');
});

afterEach(() => {
  sim.configure({ foreignTicketStatus: 404 });
});

afterAll(async () => {
  await sim.close();
});

const get = (path: string) => getWithToken(sim, path, token);
const rows = () => sim.tickets('crew');
const latestRevision = (number: string) =>
  Math.max(
    ...rows()
      .filter((row) => row.ticket.trim() === number)
      .map((row) => Number(row.revision)),
  );
const multiRevision = () => {
  const row = rows().find((candidate) => candidate.revision === '1') as SimulatorTicket;
  return row.ticket.trim();
};

describe('GET /api/tickets/{n}', () => {
  it('serves the latest revision with the full ticket model', async () => {
    const number = multiRevision();

    const result = await get(`/api/tickets/${number}`);

    expect(result.status).toBe(200);
    const ticket = result.body as SimulatorTicket;
    expect(ticket.ticket.trim()).toBe(number);
    expect(Number(ticket.revision)).toBe(latestRevision(number));
    expect(ticket).toMatchObject({
      hours_notice_clock: expect.any(Number),
      emergency: expect.any(Boolean),
      extent_top: expect.any(Number),
      members: expect.arrayContaining([expect.objectContaining({ member_id: expect.any(Number) })]),
      grids: [expect.objectContaining({ st: 49, co: expect.any(Number) })],
      deliveries: expect.any(Array),
      responses: expect.any(Array),
    });
    expect(ticket.work_area.type).toBe('Feature');
    expect(ticket.work_area.geometry.type).toBe('Polygon');
    expect(ticket.centroid.geometry.type).toBe('Point');
  });

  it('serves the asked-for revision', async () => {
    const number = multiRevision();

    const result = await get(`/api/tickets/${number}?revision=0`);

    expect((result.body as SimulatorTicket).revision).toBe('0');
  });

  it('answers 404 for a revision that does not exist and 400 for a non-numeric one', async () => {
    const number = multiRevision();

    expect((await get(`/api/tickets/${number}?revision=99`)).status).toBe(404);
    expect((await get(`/api/tickets/${number}?revision=latest`)).status).toBe(400);
  });

  it('adds prior revisions’ responses with allPriorRevs=true', async () => {
    const multi = rows().filter(
      (row) =>
        row.revision === '1' &&
        rows().some((r) => r.ticket === row.ticket && r.revision === '0' && r.responses.length > 0),
    );
    const number = (multi[0] as SimulatorTicket).ticket.trim();
    const latest = String(latestRevision(number));

    const plain = (await get(`/api/tickets/${number}`)).body as SimulatorTicket;
    const all = (await get(`/api/tickets/${number}?allPriorRevs=true`)).body as SimulatorTicket;

    expect(plain.responses.every((response) => response.revision === latest)).toBe(true);
    expect(all.responses.some((response) => response.revision === '0')).toBe(true);
    expect(all.responses.length).toBeGreaterThan(plain.responses.length);
  });

  it('finds padded ticket numbers by their trimmed form, and trims what the client sends', async () => {
    const padded = rows().find((row) => row.ticket !== row.ticket.trim()) as SimulatorTicket;
    const number = padded.ticket.trim();

    const plain = await get(`/api/tickets/${number}`);
    const spaced = await get(`/api/tickets/${encodeURIComponent(`  ${number.toLowerCase()} `)}`);

    expect(plain.status).toBe(200);
    expect((plain.body as SimulatorTicket).ticket).toBe(padded.ticket);
    expect(spaced.status).toBe(200);
  });

  it('answers 404 with a message for an unknown number', async () => {
    const result = await get('/api/tickets/A999999999');

    expect(result.status).toBe(404);
    expect(messageOf(result)).toEqual(expect.any(String));
  });

  it('hides other accounts’ tickets (404 by default, 403 when configured)', async () => {
    const theirs = (sim.tickets('rival')[0] as SimulatorTicket).ticket.trim();

    expect((await get(`/api/tickets/${theirs}`)).status).toBe(404);
    sim.configure({ foreignTicketStatus: 403 });
    expect((await get(`/api/tickets/${theirs}`)).status).toBe(403);
  });

  it('fills explicit tickets with generated fields', async () => {
    const own = await tokenFor(sim, 'handmade', 'hand-pass');

    const result = await getWithToken(sim, '/api/tickets/A250010001', own);

    expect(result.body).toMatchObject({
      ticket: 'A250010001',
      revision: '1',
      county: 'IRON',
      remarks: 'WIDER AREA',
      account: 'handmade',
      work_area: { type: 'Feature' },
    });
  });
});

describe('odd ticket numbers', () => {
  it.each([
    ['a very long number', 'A'.repeat(5000), 400],
    ['a broken escape', '%E0%A4%A', 400],
    ['an encoded slash', '..%2F..%2Fetc', 400],
    ['only spaces', '%20%20', 400],
    ['unicode', encodeURIComponent('Ä253140123'), 400],
    ['quotes and angle brackets', encodeURIComponent('"><script>'), 400],
    ['a well-formed unknown number', 'Z000000000', 404],
  ])('answers %s with a clean status', async (_case, segment, status) => {
    const result = await get(`/api/tickets/${segment}`);

    expect(result.status).toBe(status);
    expect(messageOf(result)).toEqual(expect.any(String));
  });

  it('never answers 5xx for any string, on any ticket route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80, unit: 'binary' }),
        fc.constantFrom('', '/responses', '/secondary-functions'),
        async (number, suffix) => {
          const result = await get(`/api/tickets/${encodeURIComponent(number)}${suffix}`);
          expect([200, 400, 404]).toContain(result.status);
        },
      ),
      { numRuns: 150 },
    );
    expect((await get(`/api/tickets/${multiRevision()}`)).status).toBe(200);
  });
});

describe('generated data quirks', () => {
  it('has " " and "0" placeholders, padded strings and several revisions', () => {
    const all = rows();

    expect(all.some((row) => row.cross1 === ' ')).toBe(true);
    expect(all.some((row) => row.cross2 === ' ')).toBe(true);
    expect(all.some((row) => row.st_from_address === '0' && row.st_to_address === '0')).toBe(true);
    expect(all.every((row) => row.phone_ext === ' ')).toBe(true);
    expect(all.some((row) => row.ticket !== row.ticket.trim())).toBe(true);
    expect(all.some((row) => row.location !== row.location.trim())).toBe(true);
    expect(all.some((row) => row.revision === '2')).toBe(true);
    expect(all.some((row) => /^[AC]/.test(row.ticket))).toBe(true);
  });

  it('links some tickets to the ticket they replace', () => {
    const all = rows();
    const successors = all.filter((row) => row.original_ticket.trim() !== '');

    expect(successors.length).toBeGreaterThan(0);
    for (const successor of successors) {
      const original = all.find((row) => row.ticket.trim() === successor.original_ticket.trim());
      expect(original).toBeDefined();
      expect(successor.original_date).toBe(original?.original_date);
      expect(Date.parse(successor.started)).toBeGreaterThan(Date.parse(original?.started ?? ''));
    }
  });

  it('is the same data for the same seed and reference time, different for another seed', async () => {
    const options = {
      accounts: [{ username: 'x', password: 'y', tickets: 10 }],
      referenceTime: Date.UTC(2025, 5, 1),
    };
    const [a, b, c] = await Promise.all([
      startBluestakesSimulator({ ...options, seed: 1 }),
      startBluestakesSimulator({ ...options, seed: 1 }),
      startBluestakesSimulator({ ...options, seed: 2 }),
    ]);
    try {
      expect(a.tickets('x')).toEqual(b.tickets('x'));
      expect(a.tickets('x')).not.toEqual(c.tickets('x'));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('GET /api/tickets/{n}/responses', () => {
  it('returns the responses object for a ticket members answered', async () => {
    const answered = rows().find((row) => row.responses.length > 0) as SimulatorTicket;
    const number = answered.ticket.trim();

    const result = await get(`/api/tickets/${number}/responses?revision=${answered.revision}`);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ticket: answered.ticket, revision: answered.revision });
    const [first] = (result.body as { responses: Record<string, unknown>[] }).responses;
    expect(first).toMatchObject({
      member_id: expect.any(Number),
      response: expect.any(String),
      responded: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      mbcode: expect.any(String),
      name: expect.any(String),
    });
  });

  it('answers 404 "not found or no responses" for a ticket nobody answered yet', async () => {
    const silent = rows().find(
      (row) => row.responses.length === 0 && row.revision === '0',
    ) as SimulatorTicket;
    const hasLaterRevision = rows().some((row) => row.ticket === silent.ticket && row.revision !== '0');
    expect(hasLaterRevision).toBe(false);

    const result = await get(`/api/tickets/${silent.ticket.trim()}/responses`);

    expect(result.status).toBe(404);
    expect(messageOf(result)).toBe('Ticket not found or no responses');
  });
});

describe('GET /api/tickets/{n}/secondary-functions', () => {
  const functionsOf = async (row: SimulatorTicket) =>
    (await get(`/api/tickets/${encodeURIComponent(row.ticket.trim())}/secondary-functions`)).body as Record<
      string,
      unknown
    >;

  it('answers the six booleans', async () => {
    const body = await functionsOf(rows()[0] as SimulatorTicket);

    expect(body).toEqual({
      ticket: expect.any(String),
      revision: expect.any(String),
      cancel: expect.any(Boolean),
      comment: expect.any(Boolean),
      remark: expect.any(Boolean),
      retransmit: expect.any(Boolean),
      secondNotice: expect.any(Boolean),
      update: expect.any(Boolean),
    });
  });

  it('offers update for live tickets whose replace-by date is within 7 days', async () => {
    const now = Date.now();
    const replaced = new Set(rows().map((row) => row.original_ticket.trim()));
    const due = rows().filter((row) => {
      const replaceBy = Date.parse(row.replace_by_date);
      return replaceBy >= now && replaceBy <= now + 7 * DAY && !replaced.has(row.ticket.trim());
    });
    expect(due.length).toBeGreaterThan(0);

    for (const row of due) expect((await functionsOf(row)).update).toBe(true);
  });

  it('refuses update for replaced, expired and far-off tickets', async () => {
    const now = Date.now();
    const replaced = new Set(rows().map((row) => row.original_ticket.trim()));
    const superseded = rows().find((row) => replaced.has(row.ticket.trim())) as SimulatorTicket;
    const expired = rows().find((row) => Date.parse(row.expires) < now) as SimulatorTicket;
    const farOff = rows().find((row) => Date.parse(row.replace_by_date) > now + 8 * DAY) as SimulatorTicket;

    expect(Date.parse(superseded.replace_by_date)).toBeLessThan(now + 7 * DAY);
    expect((await functionsOf(superseded)).update).toBe(false);
    expect((await functionsOf(expired)).update).toBe(false);
    expect((await functionsOf(farOff)).update).toBe(false);
  });

  it('answers 404 for an unknown ticket', async () => {
    expect((await get('/api/tickets/A000000001/secondary-functions')).status).toBe(404);
  });
});

describe('unknown ticket routes', () => {
  it('answers 404 JSON for an unknown sub-route and 405 for a write', async () => {
    const number = multiRevision();

    expect((await get(`/api/tickets/${number}/update`)).status).toBe(404);
    const write = await request(sim, `/api/tickets/${number}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(write.status).toBe(405);
  });
});
