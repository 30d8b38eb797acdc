/** The summary as Markdown tables: printed to stdout and written to bench/baseline.md. */
import { machineLine } from '../environment/machine';
import type { MeasuredFigures } from '../metrics/strategy-figures';
import { STRATEGY_LABELS } from '../strategies';
import type { BenchReport, ScenarioReport } from './bench-report';

const DASH = '–';

const width = (text: string) => [...text].length;
const pad = (text: string, size: number) => text + ' '.repeat(Math.max(0, size - width(text)));

/** Columns padded to equal width, as the repository's formatter lays out Markdown tables. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) =>
    Math.max(3, width(cell), ...rows.map((cells) => width(cells[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((size, column) => pad(cells[column] ?? '', size)).join(' | ')} |`;
  return [line(header), line(widths.map((size) => '-'.repeat(size))), ...rows.map(line)].join('\n');
}

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? DASH : value.toFixed(digits);

function versusOurs(figures: MeasuredFigures, ours: MeasuredFigures | undefined): string {
  if (figures.strategy === 'fleet-cache') return '1x';
  if (ours === undefined) return DASH;
  if (ours.logins === 0) return figures.logins === 0 ? DASH : '∞';
  return `${(figures.logins / ours.logins).toFixed(figures.logins / ours.logins >= 10 ? 0 : 1)}x`;
}

function scenarioRows(scenario: ScenarioReport): string[][] {
  const ours = scenario.strategies.find(
    (entry): entry is MeasuredFigures => entry.strategy === 'fleet-cache' && entry.applicable,
  );
  return scenario.strategies.map((figures) => {
    const name = STRATEGY_LABELS[figures.strategy];
    if (!figures.applicable) return [scenario.id, name, ...Array.from({ length: 9 }, () => 'n/a')];
    const latency = figures.callerLatencyMs;
    return [
      scenario.id,
      figures.error === undefined ? name : `${name} (error, see JSON)`,
      String(figures.logins),
      fixed(figures.loginsPerCompanyPerLifetime),
      versusOurs(figures, ours),
      String(figures.upstream429),
      `${figures.maxSentInWindow} (${figures.limit.limit})`,
      `${figures.callerFailures} / ${figures.callerRequests}`,
      latency === null ? DASH : `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)}`,
      fixed(figures.dataApiCallsPerTokenRequest),
      fixed(figures.secretsReadsPerLogin),
    ];
  });
}

/** Why some strategies sit some scenarios out. */
function notApplicableNotes(report: BenchReport): string {
  const notes = report.scenarios.flatMap((scenario) => {
    const skipped = scenario.strategies.flatMap((figures) => (figures.applicable ? [] : [figures]));
    if (skipped.length === 0) return [];
    const names = skipped.map((figures) => STRATEGY_LABELS[figures.strategy].split(' ')[0]).join(', ');
    return [`${scenario.id}: n/a for ${names} (${skipped[0]!.reason})`];
  });
  return notes.length === 0 ? '' : `\n\n${notes.join('; ')}.`;
}

export function renderScenarioTable(report: BenchReport): string {
  return `${table(
    [
      'scenario',
      'strategy',
      'logins',
      'logins / company / lifetime',
      'logins vs ours',
      '429s',
      'max sent in a window (limit)',
      'failed / caller requests',
      'caller p50 / p99 ms',
      'Data API calls / token request',
      'SM reads / login',
    ],
    report.scenarios.flatMap(scenarioRows),
  )}${notApplicableNotes(report)}`;
}

export function renderLatencyTable(report: BenchReport): string {
  const operations = report.latency?.operations ?? [];
  if (operations.length === 0) return '(latency not measured)';
  return table(
    [
      'path',
      'samples',
      'p50 µs',
      'p99 µs',
      'p99.9 µs',
      'max µs',
      'Data API calls each',
      'SM reads each',
      'logins each',
    ],
    operations.map((entry) => [
      entry.label,
      String(entry.latencyUs.samples),
      fixed(entry.latencyUs.p50, 1),
      fixed(entry.latencyUs.p99, 1),
      fixed(entry.latencyUs.p999, 1),
      fixed(entry.latencyUs.max, 1),
      fixed(entry.dataApiCallsEach),
      fixed(entry.secretsReadsEach),
      fixed(entry.loginsEach),
    ]),
  );
}

export function renderTargetTable(report: BenchReport): string {
  return table(
    ['target (ours)', 'scenario', 'figure', 'met'],
    report.targets.map((check) => [check.target, check.scenario, check.figure, check.met ? 'yes' : '**NO**']),
  );
}

export function renderMarkdown(report: BenchReport): string {
  const mode = report.quick ? 'quick' : 'full';
  const layout = report.sequential ? 'strategies one after another' : 'strategies side by side';
  return [
    `Machine: ${machineLine(report.machine)}`,
    `Run: ${mode}, ${layout}, started ${report.startedAt}, took ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '### Scenarios',
    '',
    renderScenarioTable(report),
    '',
    '### Latency of ours (isolated)',
    '',
    renderLatencyTable(report),
    '',
    '### Targets',
    '',
    renderTargetTable(report),
    '',
  ].join('\n');
}
