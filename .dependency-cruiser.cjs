/**
 * Which code may depend on which: the directions of docs' architecture, checked by `npm run deps`
 * (part of `npm run check` and `.ci/run`). Paths are relative to the repository root.
 */

const LIBRARY = '^functions/layers/token-manager/';
const LIBRARY_SOURCE = `${LIBRARY}src/`;
const PUBLIC_FACE = `${LIBRARY_SOURCE}index\\.ts$`;
const INTERNAL_FACE = `${LIBRARY_SOURCE}internal\\.ts$`;
const TESTING_FACE = `${LIBRARY_SOURCE}testing\\.ts$`;
const CONSTANTS_FACE = `${LIBRARY_SOURCE}constants\\.ts$`;
/** Runtime files that hold only constants and import nothing: what CDK code may load during synth. */
const CONSTANTS_MODULES = [
  CONSTANTS_FACE,
  '^functions/http-routes\\.ts$',
  '^functions/tickets/worker-timing\\.ts$',
];
/** One folder per Lambda: everything in functions/ but the library, the HTTP plumbing and the use cases. */
const HANDLER_FOLDER = '^functions/(?!layers/|shared/|tickets/)([^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'handler-imports',
      comment:
        'A handler reaches the library through its public API (and /internal where it must), the HTTP ' +
        'plumbing in functions/shared and the ticket use cases; never another handler or a library file.',
      severity: 'error',
      from: { path: HANDLER_FOLDER },
      to: {
        path: '^(functions|lib|local|test|bench|cli|scripts|bin)/',
        pathNot: [
          '^functions/$1/',
          '^functions/shared/',
          '^functions/tickets/',
          '^functions/http-routes\\.ts$',
          PUBLIC_FACE,
          INTERNAL_FACE,
        ],
      },
    },
    {
      name: 'library-stands-alone',
      comment:
        'The library is its own package, shipped as the layer: it imports nothing from the rest of the ' +
        'repository, and nothing of middy or API Gateway (any Lambda may use it, whatever its trigger).',
      severity: 'error',
      from: { path: LIBRARY },
      to: {
        path: [
          '^(functions|lib|local|test|bench|cli|scripts|bin)/',
          '(^|/)node_modules/(@middy/|aws-lambda/|@types/aws-lambda/)',
        ],
        pathNot: LIBRARY,
      },
    },
    {
      name: 'use-cases-know-no-http',
      comment:
        'The ticket use cases are called by handlers, never the other way round, and know nothing of ' +
        'HTTP: their errors live with them and functions/shared/error-mapping.ts turns them into responses.',
      severity: 'error',
      from: { path: '^functions/tickets/' },
      to: { path: '^functions/', pathNot: ['^functions/tickets/', PUBLIC_FACE, INTERNAL_FACE] },
    },
    {
      name: 'library-through-its-faces',
      comment:
        'Outside the library and its own unit tests, code imports the package (@bluestakes/token-manager ' +
        'and its subpaths), never a file behind it: what is not on a face is free to change.',
      severity: 'error',
      from: { pathNot: [LIBRARY, '^test/'] },
      to: { path: LIBRARY_SOURCE, pathNot: [PUBLIC_FACE, INTERNAL_FACE, TESTING_FACE, CONSTANTS_FACE] },
    },
    {
      name: 'no-test-seams-in-lambdas',
      comment: 'The /testing face swaps default instances: Lambda code never loads it.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: TESTING_FACE },
    },
    {
      name: 'cdk-loads-types-and-constants-only',
      comment:
        'lib/ runs during cdk synth: from runtime code it takes types, and values only from modules that ' +
        'import nothing (so synth never loads Powertools, the AWS SDK or a handler).',
      severity: 'error',
      from: { path: '^(lib|bin)/' },
      to: {
        path: '^(functions|local)/',
        pathNot: CONSTANTS_MODULES,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'constants-load-nothing',
      comment: 'What CDK may load from runtime code must itself load nothing.',
      severity: 'error',
      from: { path: CONSTANTS_MODULES },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'local-is-dev-tooling',
      comment: 'The local stack is for development: only tests, benchmarks and scripts use it.',
      severity: 'error',
      from: { pathNot: '^(local|test|bench|scripts)/' },
      to: { path: '^local/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and the parts impossible to reason about one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-dev-dependencies-at-runtime',
      comment:
        'Lambda code runs what `dependencies` (the root and the library package) declare; devDependencies ' +
        'are for building and testing. Types are erased, so type-only imports are fine.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-undeclared-dependencies-at-runtime',
      comment:
        'A package Lambda code uses must be declared by the code that uses it (the root for handlers, ' +
        'the library for itself), not found by accident of hoisting.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined'] },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: false,
    combinedDependencies: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^cdk\\.out/', '^\\.local/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
