import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

/** Lambda runs Node.js 22: the tests, `npm start` and the benchmark run on the same major. */
describe('the Node.js the project runs on', () => {
  it('is the major of .nvmrc, engines and the pinned node package (the Lambda runtime’s)', async () => {
    const pkg = JSON.parse(await readFile(resolve(ROOT, 'package.json'), 'utf8'));
    const nvmrc = (await readFile(resolve(ROOT, '.nvmrc'), 'utf8')).trim();

    expect(major(process.version)).toBe(22);
    expect(major(nvmrc)).toBe(22);
    expect(major(pkg.engines.node)).toBe(22);
    expect(major(pkg.devDependencies.node)).toBe(22);
    expect(major(pkg.devDependencies['@types/node'])).toBe(22);
  });
});
