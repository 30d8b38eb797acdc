/**
 * One initialised PGlite cluster for every test. Creating a PGlite runs initdb in WebAssembly, the
 * slowest part of an integration test's start (seconds on a busy machine); loading the dump of one
 * already initialised is several times faster and gives every test the same empty database.
 *
 * The dump is kept under node_modules/.cache, named after the PGlite version that made it (a new
 * version makes a new one), so initdb runs once per install, not once per run and project.
 *
 * `setup` is the integration projects' globalSetup; tests reach the dump through `loadPgliteTemplate`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding `PGlite.dumpDataDir()` of a freshly initialised cluster. */
    pgliteTemplate: string;
  }
}

const NODE_MODULES = resolve(import.meta.dirname, '../../node_modules');
const CACHE_DIR = join(NODE_MODULES, '.cache/bluestakes-token-service');

async function templateFile(): Promise<string> {
  const manifest = await readFile(join(NODE_MODULES, '@electric-sql/pglite/package.json'), 'utf8');
  const { version } = JSON.parse(manifest) as { version: string };
  return join(CACHE_DIR, `pglite-${version}-initialised.tar`);
}

export default async function setup(project: TestProject): Promise<void> {
  const file = await templateFile();
  if (!existsSync(file)) {
    const db = await PGlite.create();
    const dump = await db.dumpDataDir('none');
    await db.close();
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside and renamed: a run started meanwhile never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  }
  project.provide('pgliteTemplate', file);
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
