import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/load/stack-process';

const run = promisify(execFile);

/**
 * The load script runs end to end (`--quick`: 15 s) with zero errors. It asserts no speed: the figures
 * are measured and written down in docs/load.md, not tested.
 */
describe('load script', () => {
  it('holds HTTP and library load on one local stack for 15 s with zero errors and one login per company', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/load/run.ts', '--quick', '--json'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '' },
        timeout: 200_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('LOAD_RESULT '));
    expect(line, stdout).toBeDefined();
    const report = JSON.parse(line!.slice('LOAD_RESULT '.length));

    expect(report.errors).toBe(0);
    for (const figures of report.http) {
      expect(figures).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0 });
      expect(figures.requests).toBeGreaterThan(0);
    }
    expect(report.library.errors).toBe(0);
    expect(report.library.calls).toBeGreaterThan(0);
    expect(report.upstreamLogins).toEqual({
      'acme-excavating': { ok: 1, failed: 0 },
      'beehive-fiber': { ok: 1, failed: 0 },
      'wasatch-plumbing': { ok: 1, failed: 0 },
    });
    expect(report.stackRss.samplesBytes.length).toBeGreaterThan(0);
  });
});
