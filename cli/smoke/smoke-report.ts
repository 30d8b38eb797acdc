/** One line per check: what was checked and how it went. */
export interface CheckResult {
  readonly name: string;
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

const MARK: Readonly<Record<CheckResult['outcome'], string>> = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' };

export function formatCheck(result: CheckResult): string {
  return `${MARK[result.outcome]}  ${result.name}${result.detail === '' ? '' : `  (${result.detail})`}`;
}

export function summarize(results: readonly CheckResult[]): string {
  const count = (outcome: CheckResult['outcome']) =>
    results.filter((result) => result.outcome === outcome).length;
  return `${count('pass')} checks passed, ${count('fail')} failed, ${count('skip')} skipped`;
}
