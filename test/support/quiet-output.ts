/**
 * Vitest setup file: holds back everything a test file writes straight to stdout/stderr (Powertools'
 * Logger and Metrics write there, not through `console`) and prints it only for a test that failed,
 * or at the end of a file whose hooks failed. A passing run prints the reporter's lines and nothing
 * else. Tests that assert on output capture it themselves (`captureProcessOutput`), on top of this.
 */
import { afterAll, beforeEach } from 'vitest';

type Write = typeof process.stdout.write;
interface HeldChunk {
  readonly write: Write;
  readonly chunk: string | Uint8Array;
}

let held: HeldChunk[] = [];
const originals = new Map<NodeJS.WriteStream, Write>();

for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as Write;
  originals.set(stream, original);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    held.push({ write: original, chunk });
    const callback = rest.find((argument) => typeof argument === 'function') as
      | ((error?: Error | null) => void)
      | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as Write;
}

function release(): void {
  for (const { write, chunk } of held) write(chunk);
  held = [];
}

// Output of the file's beforeAll hooks is held until its first test ends, so a failure shows it too.
beforeEach(({ onTestFinished }) => {
  onTestFinished(({ task }) => {
    if (task.result?.state === 'fail') release();
    else held = [];
  });
});

interface TaskLike {
  readonly result?: { readonly state?: string };
  readonly tasks?: readonly TaskLike[];
}
const failedSomewhere = (task: TaskLike): boolean =>
  task.result?.state === 'fail' || (task.tasks ?? []).some(failedSomewhere);

// A failed beforeAll skips the file's tests, so nothing above releases what it printed.
// biome-ignore lint/correctness/noEmptyPattern: vitest reads the first parameter as a fixtures pattern
afterAll(({}, file) => {
  if (failedSomewhere(file)) release();
  else held = [];
});
