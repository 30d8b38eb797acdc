import { type ApiClient, ApiError } from '../api-client';
import { type Command, type CommandContext, companyIdArgument, integerOption } from '../command';
import { EXIT } from '../io';
import { keyValues, progressBar } from '../output';

/** The sync job as `GET /tickets/sync/{company_id}` reports it. */
interface SyncJobStatus {
  readonly company_id: string;
  readonly state: string;
  readonly complete: boolean;
  readonly tickets_found: number | null;
  readonly tickets_stored: number | null;
  readonly tickets_remaining: number | null;
  readonly upstream_calls: number | null;
  readonly started_at: string | null;
  readonly next_run_at: string | null;
  readonly finished_at: string | null;
  readonly last_error: string | null;
}

/** What `POST /tickets/sync` answers for one company run inline (older stages have no job status). */
interface InlineSyncResult {
  readonly complete?: boolean;
  readonly searched?: number;
  readonly fetched?: number;
  readonly inserted?: number;
  readonly updated?: number;
  readonly unchanged?: number;
}

/** Stops inline re-runs of a sync that makes no progress at all. */
const MAX_INLINE_RUNS = 100;

function progressLine(status: SyncJobStatus): string {
  const found = status.tickets_found ?? 0;
  const stored = status.tickets_stored ?? 0;
  const next = status.next_run_at === null ? '' : `, next run ${status.next_run_at}`;
  return `${progressBar(stored, found)} ${stored}/${found} tickets stored, ${status.tickets_remaining ?? '?'} left, ${
    status.upstream_calls ?? 0
  } upstream calls (${status.state}${next})`;
}

/** Draws the progress in place on a terminal; elsewhere prints a line only when it changes. */
function progressPrinter(context: CommandContext): { show(line: string): void; end(): void } {
  let last = '';
  return {
    show(line) {
      if (context.json || line === last) return;
      last = line;
      context.io.stderr(context.io.interactive ? `\r\u001b[2K${line}` : `${line}\n`);
    },
    end() {
      if (!context.json && context.io.interactive && last !== '') context.io.stderr('\n');
    },
  };
}

async function readStatus(api: ApiClient, companyId: string): Promise<SyncJobStatus | undefined> {
  const response = await api.send('GET', `/tickets/sync/${companyId}`);
  // A 404, or API Gateway's 403 "Missing Authentication Token" (an unknown route): no status route here.
  const message = (response.body as { message?: unknown } | undefined)?.message;
  if (response.status === 404 || (response.status === 403 && message === 'Missing Authentication Token')) {
    return undefined;
  }
  if (response.status < 200 || response.status > 299)
    throw new ApiError('GET', `/tickets/sync/${companyId}`, response);
  const body = response.body as SyncJobStatus & { success?: boolean; job?: SyncJobStatus };
  return body.job ?? body;
}

/** Without a status route: run the inline sync again until it reports complete. */
async function followInline(context: CommandContext, api: ApiClient, body: unknown, first: InlineSyncResult) {
  const printer = progressPrinter(context);
  let result = first;
  for (let run = 1; result.complete !== true && run < MAX_INLINE_RUNS; run++) {
    printer.show(
      `${progressBar(result.fetched ?? 0, result.searched ?? 0)} run ${run}: ${result.fetched ?? 0}/${result.searched ?? 0} tickets fetched, continuing`,
    );
    result = await api.call<InlineSyncResult>('POST', '/tickets/sync', { body });
  }
  printer.end();
  context.print(
    `${result.complete === true ? 'Sync complete' : 'Sync still incomplete; run it again'}\n${keyValues(result as Record<string, unknown>)}`,
    result,
  );
  return result.complete === true ? EXIT.OK : EXIT.FAILED;
}

export const syncCommand: Command = {
  name: 'sync',
  usage: '<company_id> [--days-back N] [--detach] [--interval SECONDS]',
  summary: "Sync a company's tickets and follow the job with a progress bar until it finishes",
  options: { 'days-back': { type: 'string' }, detach: { type: 'boolean' }, interval: { type: 'string' } },
  async run(context) {
    const companyId = companyIdArgument(context);
    const daysBack = integerOption(context, 'days-back', { min: 1, max: 365 });
    const intervalMs = (integerOption(context, 'interval', { min: 1, max: 300 }) ?? 2) * 1000;
    const api = await context.api();
    const body = { company_id: companyId, ...(daysBack === undefined ? {} : { days_back: daysBack }) };
    const started = await api.call<InlineSyncResult>('POST', '/tickets/sync', { body });
    if (context.values.detach === true) {
      context.print(
        `Sync of company ${companyId} started; follow it with: bluestakes-tokens sync ${companyId}\n`,
        started,
      );
      return EXIT.OK;
    }
    const printer = progressPrinter(context);
    for (;;) {
      const status = await readStatus(api, companyId);
      if (status === undefined) {
        printer.end();
        return followInline(context, api, body, started);
      }
      printer.show(progressLine(status));
      if (status.complete || status.finished_at !== null) {
        printer.end();
        const failed = !status.complete && status.last_error !== null;
        context.print(
          `${failed ? `Sync failed: ${status.last_error}` : 'Sync complete'}\n${keyValues(status as unknown as Record<string, unknown>)}`,
          status,
        );
        return failed ? EXIT.FAILED : EXIT.OK;
      }
      await context.io.sleep(intervalMs);
    }
  },
};
