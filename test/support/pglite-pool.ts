/**
 * PGlite databases a finished test handed back, emptied and kept for the next test in this process.
 * Starting a PGlite, even from the initialised template, costs more CPU than most tests spend; with
 * the integration files of a worker sharing one module graph (see vitest.config.ts), a couple of
 * instances serve all of that worker's files.
 *
 * Emptying drops the `public` schema (every table, function and row the migrations and the test
 * made) and DISCARD ALL clears the session (temporary tables, advisory locks, settings). A database
 * that cannot be emptied quickly, for example one still running a statement a test abandoned, is
 * closed instead of kept.
 */
import { createPgliteBackend, type SqlBackend } from '../../local/data-api-emulator';
import { loadPgliteTemplate } from './pglite-template';

/** More would only hold memory: a file rarely runs more than two databases at once. */
const MAX_IDLE = 2;
const EMPTY_WAIT_MS = 5_000;
const KEEPING = process.env.VITEST !== undefined;

const idle: SqlBackend[] = [];

/** An empty PGlite database; its `close()` hands it back for reuse. */
export async function takePgliteBackend(): Promise<SqlBackend> {
  const kept = idle.pop();
  if (kept !== undefined) return lend(kept);
  const loadDataDir = await loadPgliteTemplate();
  return lend(await createPgliteBackend(loadDataDir === undefined ? {} : { loadDataDir }));
}

function lend(backend: SqlBackend): SqlBackend {
  let handedBack: Promise<void> | undefined;
  return {
    kind: backend.kind,
    database: backend.database,
    placeholder: (index, type) => backend.placeholder(index, type),
    acquire: (waitMs) => backend.acquire(waitMs),
    close: () => {
      handedBack ??= handBack(backend);
      return handedBack;
    },
  };
}

async function handBack(backend: SqlBackend): Promise<void> {
  // Only a test worker keeps one: a benchmark or script that reuses the harnesses must be able to exit.
  if (KEEPING && idle.length < MAX_IDLE && (await emptied(backend))) {
    idle.push(backend);
    return;
  }
  await backend.close();
}

async function emptied(backend: SqlBackend): Promise<boolean> {
  try {
    const session = await backend.acquire(EMPTY_WAIT_MS);
    try {
      await session.reset();
      await session.query('DROP SCHEMA public CASCADE');
      await session.query('CREATE SCHEMA public');
      return true;
    } finally {
      session.release();
    }
  } catch {
    return false;
  }
}
