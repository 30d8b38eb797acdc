import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sqlCopyCommands } from '../../lib/constructs/migrations';
import { ServiceFunction } from '../../lib/constructs/service-function';
import { TokenManagerLayer } from '../../lib/constructs/token-manager-layer';
import { REPOSITORY_ROOT } from '../../lib/token-service-stack';
import { createTestApp } from './synth-stack';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The S3 key (`<asset hash>.zip`) of every function's code and of every layer version. */
function codeAssets(template: Template): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.toJSON().Resources as Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      keys[id] = (resource.Properties.Code as { S3Key: string }).S3Key;
    } else if (resource.Type === 'AWS::Lambda::LayerVersion') {
      keys[id] = (resource.Properties.Content as { S3Key: string }).S3Key;
    }
  }
  return keys;
}

/**
 * The layer and the two kinds of ServiceFunction the stack builds every function from (a plain handler,
 * and the migrations' handler with its SQL copied by a bundling hook), bundled for real into `outdir`.
 */
function synthesizeBundles(outdir: string, sourceMaps: boolean): Template {
  // CDK reports each bundling on stderr; keep the test output clean.
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return buildBundles(outdir, sourceMaps);
  } finally {
    quiet.mockRestore();
  }
}

function buildBundles(outdir: string, sourceMaps: boolean): Template {
  const { app } = createTestApp({}, { bundle: true, outdir });
  const stack = new Stack(app, 'Bundles');
  const layer = new TokenManagerLayer(stack, 'Layer', {
    libraryRoot: join(REPOSITORY_ROOT, 'functions', 'layers', 'token-manager'),
    sourceMaps,
  });
  const handler = (folder: string) => join(REPOSITORY_ROOT, 'functions', folder, 'handler.ts');
  const common = {
    projectRoot: REPOSITORY_ROOT,
    layer: layer.layerVersion,
    description: 'bundle',
    sourceMaps,
  };
  new ServiceFunction(stack, 'Stats', { ...common, entry: handler('get-token-stats') });
  new ServiceFunction(stack, 'Migrate', {
    ...common,
    entry: handler('migrate-database'),
    afterBundling: (_inputDir, outputDir) => sqlCopyCommands(join(REPOSITORY_ROOT, 'sql'), outputDir),
  });
  return Template.fromStack(stack);
}

describe('asset hashes of the layer and the functions', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'token-service-assets-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /**
   * Two output folders at different depths, so every path relative to the cloud assembly differs
   * between the two synths (as between two checkouts, or a CI runner and a laptop).
   */
  const twoOutdirs = (name: string): [string, string] => {
    const second = join(root, name, 'second', 'deeper', 'cdk.out');
    mkdirSync(second, { recursive: true });
    return [join(root, name, 'first'), second];
  };

  it('are identical when synthesized into two different folders', { timeout: 300_000 }, () => {
    const [first, second] = twoOutdirs('default');
    const fromFirst = synthesizeBundles(first, false);
    fromFirst.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } } },
      0,
    );
    const hashes = codeAssets(fromFirst);
    expect(new Set(Object.values(hashes)).size).toBe(3);
    expect(codeAssets(synthesizeBundles(second, false))).toEqual(hashes);
  });

  it('stay identical with source maps on: their sources are relative to the repository, not the output', {
    timeout: 180_000,
  }, () => {
    const [first, second] = twoOutdirs('source-maps');
    const fromFirst = synthesizeBundles(first, true);
    fromFirst.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } } },
      2,
    );
    const hashes = codeAssets(fromFirst);
    expect(codeAssets(synthesizeBundles(second, true))).toEqual(hashes);

    const statsAsset = Object.entries(hashes)
      .find(([id]) => id.startsWith('Stats'))![1]
      .replace(/\.zip$/, '');
    const map = JSON.parse(readFileSync(join(first, `asset.${statsAsset}`, 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources).toContain('functions/get-token-stats/handler.ts');
    expect(map.sources.filter((source) => source.startsWith('../') || source.startsWith('/'))).toEqual([]);
  });
});
