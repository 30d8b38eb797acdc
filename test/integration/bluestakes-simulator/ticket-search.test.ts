import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BluestakesSimulator,
  type SimulatorTicket,
  startBluestakesSimulator,
} from '../../../local/bluestakes-simulator';
import { getWithToken, messageOf, tokenFor } from './http-client';

interface SearchBody {
  count: number;
  total: number;
  data: SimulatorTicket[];
}

let sim: BluestakesSimulator;
let bigToken: string;
let smallToken: string;

beforeAll(async () => {
  sim = await startBluestakesSimulator({
    seed: 7,
    accounts: [
      { username: 'big', password: 'big-pass', tickets: 90 },
      { username: 'small', password: 'small-pass', tickets: 16 },
    ],
  });
  bigToken = await tokenFor(sim, 'big', 'big-pass');
  smallToken = await tokenFor(sim, 'small', 'small-pass');
});

afterEach(() => {
  sim.configure({ isoDates: 'accept', searchShape: 'object' });
});

afterAll(async () => {
  await sim.close();
});

const searchSmall = (query: string) => getWithToken(sim, `/api/tickets/search${query}`, smallToken);
const bodyOf = (result: { body: unknown }) => result.body as SearchBody;
const key = (row: Pick<SimulatorTicket, 'ticket' | 'revision'>) => `${row.ticket.trim()}#${row.revision}`;

const utahDay = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Denver',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** `MM/DD/YYYY` of a timestamp in Utah. */
const usDate = (iso: string) => utahDay.format(new Date(iso));
const isoDate = (iso: string) => {
  const [month, day, year] = usDate(iso).split('/');
  return `${year}-${month}-${day}`;
};

describe('paging', () => {
  it('walks every row of the account in pages of `limit`, stopping at a short page', async () => {
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = bodyOf(await searchSmall(`?limit=7&offset=${offset}`));
      expect(page.count).toBe(page.data.length);
      expect(page.total).toBe(sim.tickets('small').length);
      seen.push(...page.data.map(key));
      if (page.data.length < 7) break;
      offset += 7;
    }

    expect(seen).toHaveLength(sim.tickets('small').length);
    expect(new Set(seen)).toEqual(new Set(sim.tickets('small').map(key)));
  });

  it('returns 100 rows by default', async () => {
    const rows = sim.tickets('big');
    expect(rows.length).toBeGreaterThan(100);

    const page = bodyOf(await getWithToken(sim, '/api/tickets/search', bigToken));

    expect(page.count).toBe(100);
    expect(page.total).toBe(rows.length);
  });

  it('returns an empty page past the end', async () => {
    const page = bodyOf(await searchSmall('?offset=5000'));

    expect(page).toEqual({ count: 0, total: sim.tickets('small').length, data: [] });
  });

  it.each(['limit=0', 'limit=1001', 'limit=-1', 'limit=abc', 'limit=1.5', 'offset=-1', 'offset=x'])(
    'answers 400 for %s',
    async (query) => {
      const result = await searchSmall(`?${query}`);

      expect(result.status).toBe(400);
      expect(messageOf(result)).toEqual(expect.any(String));
    },
  );
});

describe('rows', () => {
  it('lists several revisions of one ticket as separate rows', async () => {
    const page = bodyOf(await searchSmall('?limit=1000'));
    const revisionsByTicket = new Map<string, string[]>();
    for (const row of page.data) {
      revisionsByTicket.set(row.ticket.trim(), [
        ...(revisionsByTicket.get(row.ticket.trim()) ?? []),
        row.revision,
      ]);
    }

    const multi = [...revisionsByTicket.values()].filter((revisions) => revisions.length > 1);
    expect(multi.length).toBeGreaterThan(0);
    expect(multi[0]).toEqual(expect.arrayContaining(['0', '1']));
  });

  it('shows each account its own tickets only', async () => {
    const small = new Set(sim.tickets('small').map((row) => row.ticket.trim()));
    const page = bodyOf(await getWithToken(sim, '/api/tickets/search?limit=1000', bigToken));

    expect(page.data.some((row) => small.has(row.ticket.trim()))).toBe(false);
    expect(page.data.every((row) => row.account === 'big')).toBe(true);
  });

  it('carries the ticket fields but leaves the child arrays to the detail call', async () => {
    const [row] = bodyOf(await searchSmall('?limit=1')).data;

    expect(row).toMatchObject({
      ticket: expect.any(String),
      revision: expect.any(String),
      replace_by_date: expect.any(String),
      work_area: { type: 'Feature' },
    });
    expect(row).not.toHaveProperty('members');
    expect(row).not.toHaveProperty('responses');
  });

  it('sorts by a known field when asked', async () => {
    const page = bodyOf(await searchSmall('?limit=1000&sort=-ticket'));
    const numbers = page.data.map((row) => row.ticket.trim());

    expect(numbers).toEqual([...numbers].sort().reverse());
  });
});

describe('date window', () => {
  const expectedOn = (day: string) => sim.tickets('small').filter((row) => usDate(row.started) === day);

  it('filters on the row’s start date in Utah with MM/DD/YYYY bounds', async () => {
    const day = usDate((sim.tickets('small')[0] as SimulatorTicket).started);

    const page = bodyOf(
      await searchSmall(`?start=${encodeURIComponent(day)}&end=${encodeURIComponent(day)}`),
    );

    expect(page.total).toBe(expectedOn(day).length);
    expect(new Set(page.data.map(key))).toEqual(new Set(expectedOn(day).map(key)));
  });

  it('treats start alone as "from that day on"', async () => {
    const rows = sim.tickets('small');
    const latest = rows.map((row) => row.started).sort()[rows.length - 1] as string;
    const day = usDate(latest);

    const page = bodyOf(await searchSmall(`?start=${encodeURIComponent(day)}`));

    expect(page.total).toBe(rows.filter((row) => isoDate(row.started) >= isoDate(latest)).length);
  });

  it('accepts YYYY-MM-DD by default, with the same result', async () => {
    const started = (sim.tickets('small')[0] as SimulatorTicket).started;

    const iso = bodyOf(await searchSmall(`?start=${isoDate(started)}&end=${isoDate(started)}`));
    const us = bodyOf(
      await searchSmall(
        `?start=${encodeURIComponent(usDate(started))}&end=${encodeURIComponent(usDate(started))}`,
      ),
    );

    expect(iso).toEqual(us);
  });

  it('answers 400 for YYYY-MM-DD when isoDates is "reject"', async () => {
    sim.configure({ isoDates: 'reject' });

    const result = await searchSmall('?start=2025-01-01');

    expect(result.status).toBe(400);
    expect(messageOf(result)).toMatch(/MM\/DD\/YYYY/);
  });

  it('drops YYYY-MM-DD silently when isoDates is "ignore"', async () => {
    sim.configure({ isoDates: 'ignore' });

    const page = bodyOf(await searchSmall('?start=2099-01-01&end=2099-01-02'));

    expect(page.total).toBe(sim.tickets('small').length);
  });

  it('returns nothing when the window holds no ticket', async () => {
    const page = bodyOf(
      await searchSmall(`?start=${encodeURIComponent('01/01/1999')}&end=${encodeURIComponent('12/31/1999')}`),
    );

    expect(page).toEqual({ count: 0, total: 0, data: [] });
  });

  it.each(['2025/01/01', '13/01/2025', '02/30/2025', 'yesterday', '2025-02-30', '2025-01-01T00:00:00Z'])(
    'answers 400 for the date %s',
    async (date) => {
      expect((await searchSmall(`?start=${encodeURIComponent(date)}`)).status).toBe(400);
    },
  );
});

describe('area filters', () => {
  it('filters by county, ignoring case and padding', async () => {
    const county = (sim.tickets('small')[0] as SimulatorTicket).county;
    const expected = sim.tickets('small').filter((row) => row.county === county);

    const page = bodyOf(
      await searchSmall(`?limit=1000&county=${encodeURIComponent(` ${county.toLowerCase()} `)}`),
    );

    expect(page.total).toBe(expected.length);
    expect(page.data.every((row) => row.county === county)).toBe(true);
  });

  it('filters by state', async () => {
    expect(bodyOf(await searchSmall('?state=UT')).total).toBe(sim.tickets('small').length);
    expect(bodyOf(await searchSmall('?state=NV')).total).toBe(0);
  });
});

describe('reply shapes', () => {
  it('wraps the object in a one-element array in "array-wrapped" mode', async () => {
    sim.configure({ searchShape: 'array-wrapped' });

    const result = await searchSmall('?limit=3');

    expect(result.body).toEqual([{ count: 3, total: sim.tickets('small').length, data: expect.any(Array) }]);
  });

  it('returns the rows alone in "plain-array" mode', async () => {
    sim.configure({ searchShape: 'plain-array' });

    const result = await searchSmall('?limit=3');

    expect(Array.isArray(result.body)).toBe(true);
    expect(result.body).toHaveLength(3);
    expect((result.body as SimulatorTicket[])[0]).toHaveProperty('ticket');
  });
});
