/**
 * Runs `npm start`'s entry (`local/start.ts`) as a child process on free ports and reads what it
 * prints: the `export` block, the API URL and key. `node --import tsx` (not the `tsx` binary) so the
 * child's pid is the stack itself: a SIGKILL reaches it, and its RSS is the stack's RSS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const OUTPUT_TAIL_CHARS = 256 * 1024;

export interface StackProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The variables the stack printed as `export NAME=value`. */
  readonly env: Readonly<Record<string, string>>;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly bluestakesUrl: string;
  /** What the child wrote to stdout and stderr (a bounded tail once running; see `banner`). */
  output(): string;
  /** The banner block printed at start-up (export lines, API URL, demo companies). */
  readonly banner: string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit; a no-op when it has already exited. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface StackProcessOptions {
  readonly dataDir: string;
  /** Extra environment for the child (on top of this process's, with ports forced to 0). */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 30 s */
  readonly readyTimeoutMs?: number;
}

function exportedVariables(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]),
  );
}

/** Starts the local stack in a child process and waits for its banner. */
export async function startStackProcess(options: StackProcessOptions): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_DATA_DIR: options.dataDir,
      LOCAL_API_PORT: '0',
      LOCAL_DATA_API_PORT: '0',
      LOCAL_SECRETS_PORT: '0',
      LOCAL_BLUESTAKES_PORT: '0',
      DATABASE_URL: '',
      BLUESTAKES_BASE_URL: '',
      LOCAL_API_KEY: '',
      // As under `npm start`: no EMF lines (a test runner's environment may switch them on).
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The banner is kept whole; after it only a bounded tail, so a long run cannot grow this process.
  let text = '';
  let ready = false;
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    if (ready && text.length > 2 * OUTPUT_TAIL_CHARS) text = text.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the local stack printed no banner within the timeout:\n${text}`)),
        options.readyTimeoutMs ?? 120_000,
      );
      const check = () => {
        if (text.includes('Ctrl-C stops it')) {
          clearTimeout(timer);
          resolveReady();
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the local stack exited (${code}) before it was ready:\n${text}`));
      });
    });
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }

  const banner = text;
  ready = true;
  const apiUrl = /^HTTP API:\s+(\S+)/m.exec(banner)?.[1];
  const env = exportedVariables(banner);
  if (apiUrl === undefined || env.BLUESTAKES_BASE_URL === undefined) {
    await stop('SIGKILL');
    throw new Error(`could not read the API URL or the export block:\n${banner}`);
  }
  const apiKey = (await readFile(join(options.dataDir, 'api-key'), 'utf8')).trim();
  return {
    child,
    pid: child.pid!,
    env,
    apiUrl,
    apiKey,
    bluestakesUrl: env.BLUESTAKES_BASE_URL,
    banner,
    output: () => text,
    exited,
    stop,
  };
}

/** Resident set size of a process in bytes (Linux `/proc`), or undefined where unavailable. */
export async function residentSetBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}
