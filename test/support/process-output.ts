/** Everything this process writes to stdout and stderr from now on (still printed), until `stop()`. */
export interface CapturedOutput {
  readonly chunks: string[];
  text(): string;
  stop(): void;
}

export function captureProcessOutput(): CapturedOutput {
  const chunks: string[] = [];
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return original(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  return {
    chunks,
    text: () => chunks.join(''),
    stop: () => {
      for (const undo of restore) undo();
    },
  };
}
