/**
 * Dependency rules of the repository (CONVENTIONS.md, "The shape of the repository" and style anchor 13).
 * Run with `npm run lint`, or alone: `npx depcruise --config .dependency-cruiser.cjs packages sample-services`.
 *
 * Dependencies are checked against the package.json closest to the importing file (`combinedDependencies: false`),
 * so `packages/<pkg>/src` answers to its own package.json, not to the root's devDependencies.
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** Unit specs beside the code and module-level specs under `test/`: free to use dev-only packages. */
const TEST_FILE = '(^|/)test/|\\.(spec|e2e-spec)\\.ts$';
/** Production code of the published packages and the sample services. */
const PRODUCTION_CODE = '^(packages|sample-services)/[^/]+/src/';

const CORE = '^packages/tracing/src/';
const coreFolder = (name) => `^packages/tracing/src/${name}/`;
/** Libraries that belong to their own integration packages, never to core. */
const INTEGRATION_LIBRARIES = ['kafkajs', 'typeorm', '@nestjs/microservices', '@nestjs/typeorm'];
const integrationLibrary = `(^|/node_modules/)(${INTEGRATION_LIBRARIES.join('|')})(/|$)`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'This module is part of a dependency cycle. Break it by moving the shared part into a lower layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import cannot be resolved to a file. Fix the path or add the package to package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Only tests import from test/ folders: production code must not depend on test fixtures or helpers.',
      from: { pathNot: '(^|/)test/' },
      to: { path: '(^|/)test/' },
    },
    {
      name: 'not-to-spec',
      severity: 'error',
      comment: 'Nothing imports a spec file: move what is shared into a helper module.',
      from: {},
      to: { path: '\\.(spec|e2e-spec)\\.ts$' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        "Production code imports a package that is only a devDependency of its package.json: it will be missing for the package's users. Move it to dependencies or peerDependencies.",
      from: { path: PRODUCTION_CODE, pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: 'node_modules/@types/' },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment:
        "Production code imports a package its own package.json does not declare (npm workspaces hoist the root's devDependencies, so it only works by accident). Add it to the package's dependencies or peerDependencies.",
      from: { path: PRODUCTION_CODE, pathNot: TEST_FILE },
      // dependency-cruiser 17 also tags a package named in `peerDependenciesMeta` as npm-no-pkg (it reads every
      // key containing "ependencies"); a package declared in a real dependency section is not a violation.
      to: {
        dependencyTypes: ['npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'],
      },
    },
    {
      name: 'core-not-to-integration-libraries',
      severity: 'error',
      comment: `Core (@huleedu/nest-tracing) never imports ${INTEGRATION_LIBRARIES.join(', ')}: they belong to their own integration packages.`,
      from: { path: CORE },
      to: { path: integrationLibrary },
    },
    {
      name: 'core-no-self-barrel',
      severity: 'error',
      comment: "Inside core, import the defining file, not the package's own index.ts.",
      from: { path: CORE, pathNot: `^packages/tracing/src/index\\.ts$` },
      to: { path: '^packages/tracing/src/index\\.ts$' },
    },
    {
      name: 'decorators-layering',
      severity: 'error',
      comment:
        'decorators/ are thin: they may import wrapping/, utils/ and root-level files (tracing.*.ts, attribute-names.ts, version.ts), never sdk/, interceptors/ or any other folder.',
      from: { path: coreFolder('decorators'), pathNot: TEST_FILE },
      to: { path: `${CORE}[^/]+/`, pathNot: `${CORE}(decorators|wrapping|utils)/` },
    },
    {
      name: 'wrapping-layering',
      severity: 'error',
      comment:
        'wrapping/ sits below decorators/ and the public API: it never imports decorators/, api/, sdk/ or interceptors/.',
      from: { path: coreFolder('wrapping'), pathNot: TEST_FILE },
      to: { path: `${CORE}(decorators|api|sdk|interceptors)/` },
    },
    {
      name: 'utils-layering',
      severity: 'error',
      comment: 'utils/ is the bottom layer: it imports nothing from the other folders of the package.',
      from: { path: coreFolder('utils'), pathNot: TEST_FILE },
      to: { path: `${CORE}[^/]+/`, pathNot: coreFolder('utils') },
    },
    {
      name: 'runtime-layering',
      severity: 'error',
      comment:
        'runtime/ holds the state traced calls read; sdk/ writes it. runtime/ never imports sdk/, wrapping/ or decorators/.',
      from: { path: coreFolder('runtime'), pathNot: TEST_FILE },
      to: { path: `${CORE}(sdk|wrapping|decorators)/` },
    },
    {
      name: 'only-module-reaches-sdk',
      severity: 'error',
      comment:
        'Only tracing.module.ts, index.ts and sdk/ itself import sdk/: the rest of core must not depend on how the SDK is started.',
      from: { path: CORE, pathNot: [`${CORE}(sdk/|tracing\\.module\\.ts$|index\\.ts$)`, TEST_FILE] },
      to: { path: coreFolder('sdk') },
    },
    {
      name: 'samples-import-packages-by-name',
      severity: 'error',
      comment:
        "Sample services use the packages as their users do, by package name ('@huleedu/nest-tracing'), never by a relative path into packages/.",
      from: { path: '^sample-services/' },
      to: { path: '^packages/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'package-sources-not-to-sample-database',
      severity: 'error',
      comment: "Only the packages' specs use the samples' database helper; their sources never do.",
      from: { path: '^packages/[^/]+/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^sample-services/sample-database/' },
    },
    {
      name: 'packages-not-to-sample-services',
      severity: 'error',
      comment:
        "The published packages never depend on the sample services. Their specs may use the samples' database helper (sample-services/sample-database) to run against the embedded PostgreSQL.",
      from: { path: '^packages/' },
      to: { path: '^sample-services/', pathNot: '^sample-services/sample-database/' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['(^|/)dist/', '(^|/)coverage/'] },
    // type-only imports count for layering too: a decorator must not even name an sdk/ type
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.spec.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
