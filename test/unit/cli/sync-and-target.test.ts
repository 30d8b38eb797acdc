import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main';
import type { StackLookup } from '../../../cli/target';
import { recordingIo } from '../../support/cli-io';

const TARGET = { BLUESTAKES_API_URL: 'https://api.example.test/v1/', BLUESTAKES_API_KEY: 'k-123' };

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly key: string | null;
  readonly body: unknown;
}

/** A fetch that answers from `route(method, path)` and records every request. */
function fakeFetch(route: (method: string, path: string, call: number) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    seen.push({
      method,
      url: url.toString(),
      key: headers.get('x-api-key'),
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const answer = route(method, url.pathname, seen.length);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { impl, seen };
}

function job(stored: number, extra: Record<string, unknown> = {}) {
  return {
    success: true,
    company_id: '7',
    state: 'running',
    complete: false,
    tickets_found: 40,
    tickets_stored: stored,
    tickets_remaining: 40 - stored,
    upstream_calls: stored + 1,
    started_at: '2026-01-01T00:00:00.000Z',
    next_run_at: null,
    finished_at: null,
    last_error: null,
    ...extra,
  };
}

describe('bluestakes-tokens sync', () => {
  it('follows the job status with a progress line per change until it finishes', async () => {
    const polls = [
      job(10),
      job(10),
      job(30),
      job(40, { state: 'done', complete: true, finished_at: '2026-01-01T00:05:00.000Z' }),
    ];
    const api = fakeFetch((method) =>
      method === 'POST'
        ? { status: 202, body: { success: true, enqueued: 1 } }
        : { status: 200, body: polls.shift() },
    );
    const io = recordingIo(TARGET);

    const code = await runCli(['sync', '7', '--days-back', '3'], io, { fetch: api.impl });

    expect(code).toBe(0);
    expect(api.seen[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.example.test/v1/tickets/sync',
      key: 'k-123',
    });
    expect(api.seen[0]?.body).toEqual({ company_id: '7', days_back: 3 });
    expect(api.seen.slice(1).map((request) => request.url)).toEqual(
      Array(4).fill('https://api.example.test/v1/tickets/sync/7'),
    );
    const progress = io.err().trim().split('\n');
    expect(progress).toEqual([
      expect.stringMatching(/^\[######-+\] 10\/40 tickets stored, 30 left, 11 upstream calls \(running\)$/),
      expect.stringMatching(/30\/40 tickets stored/),
      expect.stringMatching(/^\[#{24}\] 40\/40 tickets stored, 0 left/),
    ]);
    expect(io.out()).toMatch(/^Sync complete$/m);
  });

  it('exits 1 with the job error when the job finishes incomplete', async () => {
    const api = fakeFetch((method) =>
      method === 'POST'
        ? { status: 202, body: { success: true, enqueued: 1 } }
        : {
            status: 200,
            body: job(5, {
              state: 'failed',
              finished_at: '2026-01-01T00:01:00.000Z',
              last_error: 'CREDENTIALS_REJECTED',
            }),
          },
    );
    const io = recordingIo(TARGET);

    expect(await runCli(['sync', '7'], io, { fetch: api.impl })).toBe(1);
    expect(io.out()).toContain('Sync failed: CREDENTIALS_REJECTED');
  });

  it('without a status route (the gateway answers 403 Missing Authentication Token), re-runs the inline sync until complete', async () => {
    const inline = (complete: boolean, fetched: number) => ({
      status: 200,
      body: { success: true, company_id: '7', searched: 20, fetched, complete },
    });
    const posts = [inline(false, 8), inline(false, 16), inline(true, 20)];
    const api = fakeFetch((method) =>
      method === 'POST' ? posts.shift()! : { status: 403, body: { message: 'Missing Authentication Token' } },
    );
    const io = recordingIo(TARGET);

    expect(await runCli(['sync', '7', '--json'], io, { fetch: api.impl })).toBe(0);
    expect(api.seen.filter((request) => request.method === 'POST')).toHaveLength(3);
    expect(JSON.parse(io.out())).toMatchObject({ complete: true, fetched: 20 });
  });

  it('stops at once with --detach', async () => {
    const api = fakeFetch(() => ({ status: 202, body: { success: true, enqueued: 1 } }));
    expect(await runCli(['sync', '7', '--detach'], recordingIo(TARGET), { fetch: api.impl })).toBe(0);
    expect(api.seen).toHaveLength(1);
  });
});

describe('the target', () => {
  const lookup = (
    outputs: Record<string, string>,
    keys: Record<string, string>,
  ): StackLookup & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      async outputs(stackName, region) {
        asked.push(`outputs ${stackName} ${region ?? '-'}`);
        return outputs;
      },
      async apiKeyValue(id, region) {
        asked.push(`key ${id} ${region ?? '-'}`);
        const value = keys[id];
        if (value === undefined) throw new Error('NotFoundException');
        return value;
      },
    };
  };

  it("reads a stack's ApiUrl output and its first API key's value", async () => {
    const aws = lookup(
      { ApiUrl: 'https://abc.example.test/v1/', ApiKeyIds: 'id1,id2' },
      { id1: 'v1', id2: 'v2' },
    );
    const api = fakeFetch(() => ({ status: 200, body: { success: true, stats: { total_cached: 3 } } }));

    const io = recordingIo({});
    const code = await runCli(['stats', '--stack', 'Tokens', '--region', 'eu-west-1', '--json'], io, {
      lookup: aws,
      fetch: api.impl,
    });

    expect(code).toBe(0);
    expect(aws.asked).toEqual(['outputs Tokens eu-west-1', 'key id1 eu-west-1']);
    expect(api.seen[0]).toMatchObject({ url: 'https://abc.example.test/v1/tokens/stats', key: 'v1' });
    expect(JSON.parse(io.out())).toEqual({ total_cached: 3 });
  });

  it('picks another key with --key-id, and exits 3 naming the stack when it cannot be read', async () => {
    const aws = lookup(
      { ApiUrl: 'https://abc.example.test/v1/', ApiKeyIds: 'id1,id2' },
      { id1: 'v1', id2: 'v2' },
    );
    const api = fakeFetch(() => ({ status: 200, body: { success: true, stats: {} } }));
    await runCli(['stats', '--stack', 'Tokens', '--key-id', 'id2'], recordingIo({}), {
      lookup: aws,
      fetch: api.impl,
    });
    expect(api.seen[0]?.key).toBe('v2');

    const broken: StackLookup = {
      outputs: async () => {
        throw new Error('Stack with id Nope does not exist');
      },
      apiKeyValue: async () => 'x',
    };
    const io = recordingIo({});
    expect(await runCli(['stats', '--stack', 'Nope'], io, { lookup: broken })).toBe(3);
    expect(io.err()).toContain('Could not read the outputs of stack Nope');
  });

  it('never takes a password from the command line', async () => {
    const io = recordingIo(TARGET);
    expect(await runCli(['credentials', 'set', '7', '--username', 'u', '--password', 'p'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--password'");
  });
});
