// The PGlite database on its own thread. PGlite runs PostgreSQL in WebAssembly and blocks the thread
// it runs on for the whole of a statement, so it lives here and the emulator's thread stays free to
// answer other calls (refuse a busy transaction, report a statement timeout) meanwhile.
//
// Plain JavaScript on purpose: a worker is loaded by Node itself, outside whatever TypeScript loader
// (tsx, vitest) runs the main thread.
//
// Requests, answered strictly in order: { id, op: 'exec', message } runs wire-protocol bytes and
// answers with the raw reply bytes; 'inTransaction', 'dump' (a tarball of the data directory) and
// 'close'. Answers: { id, ok: true, value } or { id, ok: false, error: { message } }.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const { dataDir, loadDataDir } = workerData ?? {};

const operations = {
  exec: (db, request) => db.execProtocolRaw(request.message),
  inTransaction: (db) => db.isInTransaction(),
  dump: (db) => db.dumpDataDir('none'),
  close: (db) => db.close(),
};

function answer(id, outcome) {
  if (outcome.ok && outcome.value instanceof Uint8Array) {
    // A copy: the reply may be a view into PGlite's memory, which must not be handed away.
    const bytes = new Uint8Array(outcome.value);
    parentPort.postMessage({ id, ok: true, value: bytes }, [bytes.buffer]);
    return;
  }
  parentPort.postMessage({ id, ...outcome });
}

let db;
try {
  db = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(loadDataDir === undefined ? {} : { loadDataDir }),
  });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: { message: String(error?.message ?? error) } });
  process.exit(1);
}

// One request at a time: PGlite has one connection, and protocol bytes of two callers must not mix.
let queue = Promise.resolve();
parentPort.on('message', (request) => {
  queue = queue.then(async () => {
    const operation = operations[request.op];
    try {
      if (operation === undefined) throw new Error(`unknown operation ${request.op}`);
      answer(request.id, { ok: true, value: await operation(db, request) });
    } catch (error) {
      answer(request.id, { ok: false, error: { message: String(error?.message ?? error) } });
    }
    if (request.op === 'close') parentPort.close();
  });
});
