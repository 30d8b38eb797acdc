import type { CliIo } from './io';
import { UsageError } from './usage-error';

const MAX_PASSWORD_BYTES = 4096;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_PASSWORD_BYTES) throw new UsageError('The password on stdin is too long');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(io: CliIo, label: string): Promise<string> {
  const { stdin } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    io.stderr(label);
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new UsageError('Cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The password, never from the command line: a hidden prompt on a terminal, else stdin (one trailing
 * newline removed), e.g. `printf '%s' "$PW" | bluestakes-tokens credentials set 42 --username acme`.
 */
export async function readPassword(io: CliIo): Promise<string> {
  const password = io.stdin.isTTY
    ? await promptHidden(io, 'Bluestakes password: ')
    : (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('No password given (type it at the prompt, or pipe it on stdin)');
  return password;
}
