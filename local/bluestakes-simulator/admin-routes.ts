import type { IncomingMessage } from 'node:http';
import type { Reply } from './api-routes';
import { parseFault, SimulatorConfigError } from './config';
import { readBody } from './http-io';
import type { SimulatorState } from './state';

type JsonBody = { ok: true; value: unknown } | { ok: false };

/** Reads an optional JSON body; answers 400/413 itself when it cannot. */
async function jsonBody(req: IncomingMessage, reply: Reply): Promise<JsonBody> {
  const read = await readBody(req);
  if (read.kind === 'aborted') return { ok: false };
  if (read.kind === 'too-large') {
    reply(413, { message: 'Request body too large' });
    return { ok: false };
  }
  const text = read.body.toString('utf8').trim();
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    reply(400, { message: 'Malformed JSON body' });
    return { ok: false };
  }
}

function guardConfig(reply: Reply, action: () => unknown): void {
  try {
    reply(200, action());
  } catch (error) {
    if (!(error instanceof SimulatorConfigError)) throw error;
    reply(400, { message: error.message });
  }
}

/**
 * `/__sim/*`: the same controls as the in-process handle, for processes that only have the URL.
 * Not counted in the stats, not delayed, rate limited or faulted.
 */
export async function handleAdmin(
  state: SimulatorState,
  req: IncomingMessage,
  url: URL,
  reply: Reply,
): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /__sim/stats':
      return reply(200, state.stats.snapshot(state.switches));
    case 'POST /__sim/stats/reset':
      state.stats.reset();
      return reply(200, { reset: true });
    case 'GET /__sim/config':
      return reply(200, state.switches);
    case 'POST /__sim/config': {
      const body = await jsonBody(req, reply);
      if (body.ok) guardConfig(reply, () => state.configure(body.value));
      return;
    }
    case 'POST /__sim/faults': {
      const body = await jsonBody(req, reply);
      if (body.ok) {
        guardConfig(reply, () => {
          state.faults.add(parseFault(body.value));
          return { added: true };
        });
      }
      return;
    }
    case 'DELETE /__sim/faults':
      state.faults.clear();
      return reply(200, { cleared: true });
    case 'POST /__sim/revoke': {
      const body = await jsonBody(req, reply);
      if (!body.ok) return;
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
        return reply(400, { message: 'Body must be a JSON object' });
      }
      const username = (body.value as { username?: unknown }).username;
      if (username === undefined) {
        state.accounts.revokeAll();
        return reply(200, { revoked: 'all' });
      }
      if (typeof username !== 'string') return reply(400, { message: 'username must be a string' });
      state.accounts.revokeFor(username);
      return reply(200, { revoked: username });
    }
    case 'GET /__sim/tickets': {
      const username = url.searchParams.get('username') ?? '';
      if (!state.accounts.has(username)) return reply(404, { message: 'Unknown account' });
      return reply(200, state.tickets.rowsFor(username));
    }
    default:
      return reply(404, { message: 'Not found' });
  }
}
