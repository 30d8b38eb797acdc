import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = join(import.meta.dirname, '../../../functions/layers/token-manager/src');

/** Every library source file, as a path relative to `src/` with forward slashes. */
function sourceFiles(directory = SOURCE): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SOURCE, path).split(sep).join('/')] : [];
  });
}

interface ModuleReference {
  readonly specifier: string;
  /** `import type` / `export type`: erased from the emitted code (an inline `{ type X }` is not). */
  readonly typeOnly: boolean;
}

function referencesOf(file: string): ModuleReference[] {
  const text = readFileSync(join(SOURCE, file), 'utf8');
  const statement = /^(?:import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  return [...text.matchAll(statement)].map((match) => ({
    specifier: match[2]!,
    typeOnly: match[1] !== undefined,
  }));
}

const runtimeImports = (file: string) =>
  referencesOf(file)
    .filter((reference) => !reference.typeOnly)
    .map((reference) => reference.specifier);

describe('token-manager library dependencies', () => {
  const files = sourceFiles();

  it('finds the library sources', () => {
    expect(files).toContain('token-manager/token-protocol.ts');
    expect(files.some((file) => file.startsWith('wiring/'))).toBe(true);
  });

  it('imports the AWS SDK and undici at runtime only in the wiring module', () => {
    const offenders = files
      .filter((file) => !file.startsWith('wiring/'))
      .flatMap((file) =>
        runtimeImports(file)
          .filter((specifier) => specifier.startsWith('@aws-sdk/') || specifier === 'undici')
          .map((specifier) => `${file} -> ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps the token protocol on ports: its modules never reach the wiring or a barrel that does', () => {
    const core = files.filter(
      (file) =>
        file.startsWith('token-manager/') &&
        file !== 'token-manager/index.ts' &&
        file !== 'token-manager/default-instance.ts',
    );
    const offenders = core.flatMap((file) =>
      runtimeImports(file)
        // A folder barrel (`../bluestakes`) re-exports the SDK-backed factories; files are fine.
        .filter((specifier) => specifier.includes('wiring') || /^\.\.\/[a-z-]+$/.test(specifier))
        .filter((specifier) => specifier !== '../errors' && specifier !== '../config')
        .map((specifier) => `${file} -> ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
