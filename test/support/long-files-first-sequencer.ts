/**
 * The order `npm test` starts its files in, on a machine with few cores where the run ends when the
 * last long file does: files that took 10 s or more last time start first, longest first, whatever
 * their project; then the rest, project by project (integration, handlers, infra, unit), each project's
 * files in Vitest's own order (failed first, then longest or largest first), so files that share a
 * module graph run one after another in the same worker.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_MS = 10_000;
const PROJECT_ORDER = ['integration', 'handlers', 'infra', 'unit'];

export class LongFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const lastDuration = (spec: TestSpecification): number =>
      this.ctx.cache.getFileTestResults(
        `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`,
      )?.duration ?? 0;
    const rank = (spec: TestSpecification): number => {
      const index = PROJECT_ORDER.indexOf(spec.project.name);
      return index === -1 ? PROJECT_ORDER.length : index;
    };
    const long = sorted
      .filter((spec) => lastDuration(spec) >= LONG_MS)
      .sort((a, b) => lastDuration(b) - lastDuration(a));
    const rest = sorted.filter((spec) => lastDuration(spec) < LONG_MS).sort((a, b) => rank(a) - rank(b));
    return [...long, ...rest];
  }
}
