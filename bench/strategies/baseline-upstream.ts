/**
 * What every baseline shares with ours: the library's Bluestakes client (without the rate-limiter
 * hook) and credentials read from the Secrets Manager stand-in, one read per login (the baselines do
 * not cache credentials).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TokenRejectedError } from '@bluestakes/token-manager';
import {
  type BluestakesClient,
  type CredentialsStore,
  createBluestakesClient,
  createSecretsManagerCredentialsStore,
} from '@bluestakes/token-manager/internal';
import { createSecretsClient } from '../environment/aws-clients';
import type { StrategyDependencies } from './token-strategy';

export interface BaselineUpstream {
  login(companyId: string): Promise<string>;
  getTicket(token: string, ticketNumber: string): Promise<void>;
  close(): void;
}

export function countedCredentialsStore(
  deps: StrategyDependencies,
  client: SecretsManagerClient,
): CredentialsStore {
  return createSecretsManagerCredentialsStore({
    client,
    secretPrefix: deps.secretPrefix,
    onRead: () => deps.counters.credentialRead(),
  });
}

export function createBaselineUpstream(deps: StrategyDependencies): BaselineUpstream {
  const secrets = createSecretsClient(deps.secretsEndpoint);
  const credentials = countedCredentialsStore(deps, secrets);
  const client: BluestakesClient = createBluestakesClient({
    baseUrl: deps.simulatorUrl,
    dispatcher: deps.dispatcher,
    loginTimeoutMs: deps.timing.loginTimeoutMs,
    requestTimeoutMs: deps.timing.requestTimeoutMs,
  });
  return {
    async login(companyId) {
      const { username, password } = await credentials.read(companyId);
      return (await client.login(username, password)).token;
    },
    async getTicket(token, ticketNumber) {
      await client.getTicket(token, ticketNumber);
    },
    close() {
      secrets.destroy();
    },
  };
}

/**
 * The ticket call as the original `make_authenticated_request` made it: on 401/403 get a token the
 * strategy's way and retry once; never loop.
 */
export async function callWithOneRetry(
  upstream: BaselineUpstream,
  token: string,
  ticketNumber: string,
  replaceRejected: (rejected: string) => Promise<string>,
): Promise<void> {
  try {
    await upstream.getTicket(token, ticketNumber);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    await upstream.getTicket(await replaceRejected(token), ticketNumber);
  }
}

export function usableForMs(deps: StrategyDependencies): number {
  return (deps.timing.lifetimeSeconds - deps.timing.refreshLeadSeconds) * 1000;
}
