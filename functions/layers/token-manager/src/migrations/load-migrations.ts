import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Migration } from './migration-runner';

/** Reads every `*.sql` file of a folder (the repository's `sql/`). */
export async function loadMigrationsFromDirectory(directory: string): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(join(directory, name), 'utf8') })),
  );
}
