/**
 * One initialised PGlite cluster per test run. Creating a PGlite runs initdb in WebAssembly, the
 * slowest part of an integration test's start (seconds on a busy machine); loading the dump of one
 * already initialised is several times faster and gives every test the same empty database.
 *
 * `setup` is the integration projects' globalSetup; tests reach the dump through `loadPgliteTemplate`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding `PGlite.dumpDataDir()` of a freshly initialised cluster. */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'bts-pglite-template-'));
  const file = join(folder, 'initialised.tar');
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rm(folder, { recursive: true, force: true });
}

let template: Promise<Blob> | undefined;

/**
 * The run's initialised cluster, read once per test file; undefined outside Vitest (the benchmark and
 * scripts reuse the test harnesses, and there is no globalSetup to provide a template).
 */
export function loadPgliteTemplate(): Promise<Blob> | undefined {
  if (process.env.VITEST === undefined) return undefined;
  template ??= readFile(inject('pgliteTemplate')).then((bytes) => new Blob([bytes]));
  return template;
}
