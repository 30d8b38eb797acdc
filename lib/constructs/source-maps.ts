import { execFileSync } from 'node:child_process';
import { shellQuote } from '../shell';

/**
 * esbuild writes a map's `sources` relative to the map's own folder, which during a synth is a temp
 * folder inside the cloud assembly: the paths (and so the asset hash) would change with the output
 * folder and the checkout's location, publishing a new layer version and updating every function
 * for nothing. This rewrites them relative to a fixed root (the repository or the library), so the
 * same code gives the same bytes wherever it is built. In Lambda a stack trace then names
 * e.g. `/var/task/functions/get-token-stats/handler.ts`.
 *
 * Plain JavaScript run by `node -e`, so CDK's bundling command hooks and the layer's in-process
 * bundling share one implementation. Arguments: the map file, the root.
 */
const RELATIVIZE_SOURCES =
  'const fs = require("node:fs"), path = require("node:path");' +
  'const [file, root] = process.argv.slice(1);' +
  'const map = JSON.parse(fs.readFileSync(file, "utf8"));' +
  'const base = path.resolve(path.dirname(file), map.sourceRoot || "");' +
  'map.sources = map.sources.map((source) => path.relative(root, path.resolve(base, source)).split(path.sep).join("/"));' +
  'delete map.sourceRoot;' +
  'fs.writeFileSync(file, JSON.stringify(map));';

/** The shell command (for a bundling hook) that makes `mapFile`'s sources relative to `root`. */
export function relativeSourceMapCommand(mapFile: string, root: string): string {
  return `node -e ${shellQuote(RELATIVIZE_SOURCES)} ${shellQuote(mapFile)} ${shellQuote(root)}`;
}

/** Does the same in-process (with this Node.js), for bundles built without a shell hook. */
export function makeSourceMapRelative(mapFile: string, root: string): void {
  execFileSync(process.execPath, ['-e', RELATIVIZE_SOURCES, mapFile, root]);
}
