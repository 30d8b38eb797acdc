import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';
import { makeSourceMapRelative } from './source-maps';

export const LAYER_PACKAGE_NAME = '@bluestakes/token-manager';
/** Lambda puts `/opt/nodejs/node_modules` on NODE_PATH, so the package resolves by its bare name. */
export const LAYER_PACKAGE_DIRECTORY = `nodejs/node_modules/${LAYER_PACKAGE_NAME}`;

/**
 * How the library is bundled into the layer. Exported so the bundling test builds with exactly these
 * options. Everything goes in, the AWS SDK clients included: production then runs the SDK versions
 * pinned in the library's package.json, the ones its tests ran, not whatever the runtime ships today.
 */
export const LAYER_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * The faces a Lambda may require, each a file of the layer package: the public API, and `/internal`
 * for this repository's handlers. Both read one bundle (`library.js`), so they share a single copy of
 * every module: one default token manager, one Logger, and error classes that `instanceof` agrees on.
 */
export const LAYER_FACES = { '.': 'index', './internal': 'internal' } as const;
const LAYER_BUNDLE_FILE = 'library.js';

export interface LayerBundle {
  /** `<outputDir>/nodejs/node_modules/@bluestakes/token-manager` */
  readonly packageDirectory: string;
  /** esbuild's record of every input, for asserting what went into the bundle. */
  readonly metafile: Metafile;
}

/**
 * Bundles the library to one CommonJS file in the layer layout, with one small file per face and a
 * package.json whose `exports` maps each subpath to its face. CDK calls this during local bundling; the
 * test calls it directly.
 *
 * @param libraryRoot - folder of the `@bluestakes/token-manager` package (holds `package.json`, `src/`)
 * @param outputDir - the layer's root (what Lambda extracts to `/opt`)
 * @param options.sourceMaps - also write `library.js.map`, its sources relative to `libraryRoot`
 */
export function bundleTokenManagerLayer(
  libraryRoot: string,
  outputDir: string,
  options: { readonly sourceMaps?: boolean } = {},
): LayerBundle {
  const packageDirectory = join(outputDir, LAYER_PACKAGE_DIRECTORY);
  mkdirSync(packageDirectory, { recursive: true });
  const outfile = join(packageDirectory, LAYER_BUNDLE_FILE);
  const faces = Object.values(LAYER_FACES);
  const result = buildSync({
    ...LAYER_ESBUILD_OPTIONS,
    ...(options.sourceMaps ? { sourcemap: true, sourcesContent: false } : {}),
    stdin: {
      contents: faces.map((face) => `export * as ${face} from './src/${face}';`).join('\n'),
      resolveDir: libraryRoot,
      sourcefile: 'layer-faces.ts',
      loader: 'ts',
    },
    outfile,
    absWorkingDir: libraryRoot,
    metafile: true,
  });
  if (options.sourceMaps) makeSourceMapRelative(`${outfile}.map`, libraryRoot);
  const source = JSON.parse(readFileSync(join(libraryRoot, 'package.json'), 'utf8')) as { version?: string };
  for (const face of faces) {
    writeFileSync(
      join(packageDirectory, `${face}.js`),
      `'use strict';\nmodule.exports = require('./${LAYER_BUNDLE_FILE}').${face};\n`,
    );
  }
  const manifest = {
    name: LAYER_PACKAGE_NAME,
    version: source.version ?? '0.0.0',
    main: 'index.js',
    exports: Object.fromEntries(
      Object.entries(LAYER_FACES).map(([subpath, face]) => [subpath, `./${face}.js`]),
    ),
  };
  // No "type": "module": the bundle is CommonJS, and a `require` from a CJS handler must load it as such.
  writeFileSync(join(packageDirectory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { packageDirectory, metafile: result.metafile };
}

export interface TokenManagerLayerProps {
  /** Folder of the `@bluestakes/token-manager` package. */
  readonly libraryRoot: string;
  /**
   * Old layer versions are kept so a consumer pinned to one can still deploy.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * SSM parameter that always holds the newest layer version ARN, so consumer stacks resolve it at
   * deploy time instead of pinning a copied ARN (a CloudFormation export would block every update).
   * @default '/bluestakes-token-service/token-manager-layer-arn'
   */
  readonly arnParameterName?: string;
  /** Ship `library.js.map` (see ServiceFunctionProps.sourceMaps). @default false */
  readonly sourceMaps?: boolean;
}

/** The token-manager library as a Lambda layer, for this stack's functions and other teams' alike. */
export class TokenManagerLayer extends Construct {
  readonly layerVersion: lambda.LayerVersion;
  readonly arnParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: TokenManagerLayerProps) {
    super(scope, id);
    const { libraryRoot } = props;
    const sourceMaps = props.sourceMaps ?? false;
    this.layerVersion = new lambda.LayerVersion(this, 'LayerVersion', {
      description: `${LAYER_PACKAGE_NAME}: fleet-wide Bluestakes token cache (require it; mark it external)`,
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      // Pure JavaScript: the same bundle runs on both architectures.
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      code: lambda.Code.fromAsset(libraryRoot, {
        // Hash the bundle, not the source folder: a dependency bump in the lockfile changes the layer too.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling always succeeds or throws (this project builds without Docker).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
          local: {
            tryBundle(outputDir: string): boolean {
              bundleTokenManagerLayer(libraryRoot, outputDir, { sourceMaps });
              return true;
            },
          },
        },
      }),
    });
    this.arnParameter = new ssm.StringParameter(this, 'ArnParameter', {
      parameterName: props.arnParameterName ?? '/bluestakes-token-service/token-manager-layer-arn',
      description: `Latest ${LAYER_PACKAGE_NAME} layer version ARN`,
      stringValue: this.layerVersion.layerVersionArn,
    });
  }
}
