/** What a command may touch of the process: injected so tests run the CLI in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** stderr is a terminal: progress bars redraw in place, prompts are possible. */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The exit codes, documented in docs/operations.md. */
export const EXIT = {
  OK: 0,
  /** The service answered an error, or a smoke check failed. */
  FAILED: 1,
  /** The command line is wrong. */
  USAGE: 2,
  /** The target cannot be found, reached or authenticated (stack, URL, API key). */
  TARGET: 3,
} as const;
