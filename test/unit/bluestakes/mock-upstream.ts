import { MockAgent, type MockCallHistoryLog, type MockPool } from 'undici';
import {
  type BluestakesClient,
  type BluestakesClientOptions,
  createBluestakesClient,
} from '../../../functions/layers/token-manager/src/bluestakes';

export const ORIGIN = 'https://bluestakes.test';

export interface MockUpstream {
  agent: MockAgent;
  pool: MockPool;
  client: BluestakesClient;
  /** Every request the client sent, in order. */
  calls(): MockCallHistoryLog[];
  close(): Promise<void>;
}

/** A MockAgent that refuses real network access and records what the client sends. */
export function mockUpstream(options: Partial<BluestakesClientOptions> = {}): MockUpstream {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const client = createBluestakesClient({ baseUrl: ORIGIN, dispatcher: agent, ...options });
  return {
    agent,
    pool: agent.get(ORIGIN),
    client,
    calls: () => agent.getCallHistory()?.calls() ?? [],
    close: async () => {
      agent.assertNoPendingInterceptors();
      await agent.close();
    },
  };
}

/** Builds an unsigned JWT whose payload is `payload`. */
export function fakeJwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.c2lnbmF0dXJl`;
}

/** Runs `promise` expecting a rejection and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
