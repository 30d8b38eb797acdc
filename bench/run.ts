/**
 * `npm run bench` (-- --quick | --write-baseline | --sequential | --side-by-side | --strategies=a,b |
 * --scenarios=x,y | --no-latency): runs the ticket sync scenario (`--scenarios=ticket-sync` for it
 * alone), then the token benchmark, prints the tables to stdout, writes
 * bench/results/latest.json and latest.svg, and with --write-baseline the committed summary
 * bench/baseline.md. A full run puts strategies one after another (cleaner latencies; about 8 minutes
 * on 2 cores, the ticket sync scenario included); --quick runs them side by side with small numbers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './bench-runner';
import { backendFromEnvironment } from './environment/bench-database';
import { describeMachine, machineLine } from './environment/machine';
import { renderMarkdown } from './report/markdown';
import { renderLoginsChart } from './report/svg-chart';
import { STRATEGY_IDS, type StrategyId } from './strategies';
import {
  renderTicketSyncTable,
  runTicketSyncBench,
  type TicketSyncBenchOptions,
} from './ticket-sync/ticket-sync-bench';

/** The ticket sync scenario's id in `--scenarios`. */
const TICKET_SYNC_SCENARIO = 'ticket-sync';

/** Time-scaled: the window stands for the upstream's 60 s; the margin keeps the real margin's role under load. */
function ticketSyncOptions(quick: boolean): TicketSyncBenchOptions {
  return quick
    ? { companies: 2, tickets: 25, limit: 10, windowMs: 4000, safetyMarginMs: 200, horizonWindows: 30 }
    : { companies: 4, tickets: 30, limit: 10, windowMs: 6000, safetyMarginMs: 250, horizonWindows: 30 };
}

const here = import.meta.dirname;

function parseList(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

function parseStrategies(value: string | undefined): StrategyId[] | undefined {
  const names = parseList(value);
  if (names === undefined) return undefined;
  const unknown = names.filter((name) => !(STRATEGY_IDS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`Unknown strategies: ${unknown.join(', ')} (known: ${STRATEGY_IDS.join(', ')})`);
  return names as StrategyId[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'write-baseline': { type: 'boolean', default: false },
      sequential: { type: 'boolean', default: false },
      'side-by-side': { type: 'boolean', default: false },
      'no-latency': { type: 'boolean', default: false },
      strategies: { type: 'string' },
      scenarios: { type: 'string' },
    },
  });
  const strategies = parseStrategies(values.strategies);
  const scenarios = parseList(values.scenarios);
  process.stderr.write(`Machine: ${machineLine(describeMachine(backendFromEnvironment()))}\n`);

  if (scenarios === undefined || scenarios.includes(TICKET_SYNC_SCENARIO)) {
    const options = ticketSyncOptions(values.quick);
    const figures = await runTicketSyncBench(options, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${renderTicketSyncTable(options, figures)}\n\n`);
    if (scenarios?.every((id) => id === TICKET_SYNC_SCENARIO)) return;
  }

  const report = await runBench({
    quick: values.quick,
    sequential: values.sequential || (!values.quick && !values['side-by-side']),
    latency: !values['no-latency'],
    ...(strategies === undefined ? {} : { strategies }),
    ...(scenarios === undefined ? {} : { scenarios }),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });

  const markdown = renderMarkdown(report);
  process.stdout.write(`${markdown}\n`);
  const results = resolve(here, 'results');
  await mkdir(results, { recursive: true });
  await writeFile(resolve(results, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(resolve(results, 'latest.svg'), renderLoginsChart(report));
  process.stderr.write(`Wrote ${resolve(results, 'latest.json')} and latest.svg\n`);
  if (values['write-baseline']) {
    const header =
      '# Benchmark baseline\n\nWritten by `npm run bench -- --write-baseline`; see docs/performance.md.\n\n';
    await writeFile(resolve(here, 'baseline.md'), `${header}${markdown}`);
    process.stderr.write(`Wrote ${resolve(here, 'baseline.md')}\n`);
  }
  // A scenario that broke is a broken benchmark (exit 1); a missed target is a finding (exit 0).
  const broken = report.scenarios.flatMap((scenario) =>
    scenario.strategies.flatMap((figures) =>
      figures.applicable && figures.error !== undefined
        ? [`${scenario.id} / ${figures.strategy}: ${figures.error}`]
        : [],
    ),
  );
  for (const line of broken) process.stderr.write(`Scenario failed: ${line}\n`);
  if (broken.length > 0) process.exitCode = 1;
  const missed = report.targets.filter((check) => !check.met);
  if (missed.length > 0) {
    process.stderr.write(`${missed.length} target(s) missed by ours; see the Targets table.\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
