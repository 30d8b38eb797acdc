import { Readable } from 'node:stream';
import type { CliIo } from '../../cli/io';

/** A CliIo that records what the CLI prints, with `stdinText` as piped input (never a terminal). */
export function recordingIo(
  env: Readonly<Record<string, string | undefined>> = {},
  stdinText = '',
): CliIo & { out(): string; err(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    stdin: Readable.from([stdinText]),
    interactive: false,
    env,
    sleep: async () => undefined,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
