/**
 * The ticket consumers against the real stack: the layer's token managers over the Data API emulator,
 * the Secrets Manager stand-in and the Bluestakes simulator (see token-service-harness.ts). Companies
 * are registered the way a user would: a company row, then credentials stored through the layer.
 */
import { randomUUID } from 'node:crypto';
import type { Environment, TokenManager, TokenManagerOptions } from '@bluestakes/token-manager';
import type { SQSEvent } from 'aws-lambda';
import {
  createDataApiSyncJobStore,
  createDataApiTicketRepository,
  createTicketService,
  type SyncJobStore,
  type TicketRepository,
  type TicketService,
  type TicketServiceDependencies,
} from '../../functions/tickets';
import type {
  BluestakesSimulatorOptions,
  SimulatorAccount,
  SimulatorTicket,
} from '../../local/bluestakes-simulator';
import { type RecordingQueue, recordingQueue } from '../unit/tickets/support/fakes';
import { startTokenServiceHarness, type TokenServiceHarness } from './token-service-harness';

export interface TicketsCompany {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

export interface TicketsHarnessOptions {
  /** One company per account, ids 1, 2, ... in this order. */
  readonly accounts: readonly Omit<SimulatorAccount, 'password'>[];
  /** Token-manager settings (strings, as environment variables) over the harness's fast defaults. */
  readonly env?: Environment;
  /** Simulator switches (rate limit, ...); `accounts` come from above. */
  readonly simulator?: Omit<BluestakesSimulatorOptions, 'accounts'>;
}

export interface TicketsHarness {
  readonly base: TokenServiceHarness;
  readonly companies: readonly TicketsCompany[];
  readonly repository: TicketRepository;
  readonly jobs: SyncJobStore;
  /** The default queue of `createService`: records what is sent (continuations included), delivers nothing. */
  readonly queue: RecordingQueue;
  /** A token manager = one container. */
  createManager(overrides?: Partial<TokenManagerOptions> & { env?: Environment }): TokenManager;
  /** A ticket service over `tokens` (a new container's manager by default) and the real store. */
  createService(overrides?: Partial<TicketServiceDependencies>): TicketService;
  /** Stored rows of a company, by ticket number (`raw` and `responses` as md5: a row each would exceed the Data API's 1 MiB). */
  storedTickets(companyId: string): Promise<Record<string, unknown>[]>;
  /** The simulator's rows of a company's account: one per revision. */
  simulatorTickets(company: TicketsCompany): readonly SimulatorTicket[];
  companyByUsername(username: string): TicketsCompany;
  close(): Promise<void>;
}

/**
 * Starts the stack with one company per account, each with credentials stored through the layer
 * (`storeCredentials`, unverified, which also marks them stored: `credentials_version = 1`).
 */
export async function startTicketsHarness(options: TicketsHarnessOptions): Promise<TicketsHarness> {
  const companies: TicketsCompany[] = options.accounts.map((account, index) => ({
    id: String(index + 1),
    username: account.username,
    password: `pw-${index + 1}-${randomUUID()}`,
  }));
  const base = await startTokenServiceHarness({
    companies: 0,
    ...(options.env === undefined ? {} : { env: options.env }),
    simulator: {
      ...options.simulator,
      accounts: options.accounts.map((account, index) => ({
        ...account,
        password: companies[index]?.password ?? '',
      })),
    },
  });
  try {
    const setup = base.createManager();
    for (const company of companies) {
      await base.sql('INSERT INTO companies (id, name) VALUES (CAST(:id AS bigint), :name)', {
        id: company.id,
        name: `Company ${company.id}`,
      });
      await setup.storeCredentials(
        company.id,
        { username: company.username, password: company.password },
        { verify: false },
      );
    }
  } catch (error) {
    await base.close();
    throw error;
  }
  const repository = createDataApiTicketRepository(base.executor);
  const jobs = createDataApiSyncJobStore(base.executor);
  const queue = recordingQueue();

  return {
    base,
    companies,
    repository,
    jobs,
    queue,
    createManager: (overrides) => base.createManager(overrides),
    createService: (overrides = {}) =>
      createTicketService({
        tokens: overrides.tokens ?? base.createManager(),
        repository,
        jobs,
        queue,
        log: base.logs,
        ...overrides,
      }),
    storedTickets: (companyId) =>
      base.sql(
        `SELECT ticket_number, company_id, old_ticket, replaced_by, revision, is_continue_update,
                replace_by_date, legal_date, expires, place, street, st_from_address, st_to_address,
                cross1, cross2, county, state, zip, location_description, work_area,
                md5(raw::text) AS raw_md5, md5(responses::text) AS responses_md5, synced_at, updated_at,
                (expires IS NULL OR expires > now()) AND jsonb_array_length(responses) <
                  CASE jsonb_typeof(raw -> 'members') WHEN 'array' THEN jsonb_array_length(raw -> 'members')
                  ELSE 0 END AS awaiting_responses
         FROM project_tickets WHERE company_id = CAST(:companyId AS bigint) ORDER BY ticket_number`,
        { companyId },
      ),
    simulatorTickets: (company) => base.simulator.tickets(company.username),
    companyByUsername(username) {
      const company = companies.find((candidate) => candidate.username === username);
      if (company === undefined) throw new Error(`No company for ${username}`);
      return company;
    },
    close: () => base.close(),
  };
}

/** The latest revision per (trimmed) ticket number of simulator rows. */
export function latestSimulatorRows(rows: readonly SimulatorTicket[]): Map<string, SimulatorTicket> {
  const latest = new Map<string, SimulatorTicket>();
  for (const row of rows) {
    const number = row.ticket.trim();
    const seen = latest.get(number);
    if (seen === undefined || Number(row.revision) > Number(seen.revision)) latest.set(number, row);
  }
  return latest;
}

/** An SQS event with one record per body, as the event source mapping delivers them. */
export function sqsEvent(bodies: readonly { readonly messageId: string; readonly body: string }[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map(({ messageId, body }) => ({
      messageId,
      receiptHandle: `receipt-${messageId}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'AIDATEST',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ticket-sync',
      awsRegion: 'us-east-1',
    })),
  };
}
