/**
 * The shell examples of the README and docs/ that talk to the local stack (`$API`), as scripts a test
 * can run: continuation lines joined, comments (sample answers) left out, one curl answer per line.
 */
import { readFile } from 'node:fs/promises';

export interface DocExample {
  /** `README.md:58`: where the block starts. */
  readonly where: string;
  /** Commands of the block, each curl followed by `echo` so every answer ends its own line. */
  readonly script: string;
  readonly curlCount: number;
}

const FENCE = /^```(?:bash|sh)\n([\s\S]*?)^```/gm;

export async function localStackExamples(root: string, files: readonly string[]): Promise<DocExample[]> {
  const examples: DocExample[] = [];
  for (const file of files) {
    const text = await readFile(`${root}/${file}`, 'utf8');
    for (const match of text.matchAll(FENCE)) {
      const body = match[1]!;
      if (!body.includes('$API')) continue;
      const commands = body
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      const line = text.slice(0, match.index).split('\n').length;
      examples.push({
        where: `${file}:${line}`,
        script: [
          'set -euo pipefail',
          // Only curl answers go to stdout; other commands (the smoke check's report, assignments) write
          // to stderr, and `set -e` still fails the script when one of them fails.
          ...commands.map((command) =>
            command.startsWith('curl') ? `${command}; echo` : `{ ${command}\n} >&2`,
          ),
        ].join('\n'),
        curlCount: commands.filter((command) => command.startsWith('curl')).length,
      });
    }
  }
  return examples;
}
