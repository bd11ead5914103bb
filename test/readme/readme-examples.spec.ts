import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { extractExamples, findReadmes } from './readme-examples.js';
import type { ReadmeExample } from './readme-examples.js';
import { typeCheckExamples } from './type-check-examples.js';

/**
 * The READMEs cannot drift from the code: every ```ts block marked `<!-- example: full -->` is
 * type-checked as written, and every package README keeps the sections a new user needs.
 */
const ROOT_DIR = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT_DIR, 'node_modules', '.cache', 'readme-examples');

/** Every published package; each README needs an install line, versions, a full example and its spans. */
const PACKAGES = [
  'tracing',
  'tracing-kafka',
  'tracing-typeorm',
  'tracing-testing',
  'tracing-resilience',
  'tracing-logging',
  'tracing-cli',
  'tracing-viewer',
];

/** A block that must fail, so a checker that reports nothing is caught too. */
const BROKEN: ReadmeExample = {
  readme: 'test/readme/BROKEN.md',
  fenceLine: 10,
  file: 'broken.ts',
  commonjs: false,
  code: "import { Traced } from '@huleedu/nest-tracing';\n\nexport const count: number = Traced;\n",
};

describe('README examples', () => {
  const readmes = findReadmes(ROOT_DIR);
  const examples = readmes.flatMap((readme) => extractExamples(ROOT_DIR, readme));
  let problems: string[];

  beforeAll(() => {
    problems = typeCheckExamples(ROOT_DIR, OUT_DIR, [...examples, BROKEN]).map((problem) => problem.message);
  }, 120_000);

  it('finds the READMEs of the root, the packages, the sample services, the tests, the benchmarks and the tools', () => {
    expect(readmes).toEqual(
      expect.arrayContaining([
        'README.md',
        'packages/tracing/README.md',
        'sample-services/api-gateway/README.md',
        'test/README.md',
        'benchmarks/README.md',
        'tools/kafka-broker/README.md',
      ]),
    );
    expect(readmes.filter((readme) => readme.includes('node_modules') || readme.includes('dist/'))).toEqual([]);
  });

  it('compiles every marked example as written', () => {
    expect(problems.filter((problem) => !problem.startsWith(BROKEN.readme))).toEqual([]);
  });

  it('reports a broken example at its README line', () => {
    expect(problems.filter((problem) => problem.startsWith(BROKEN.readme))).toEqual([
      expect.stringMatching(/^test\/readme\/BROKEN\.md:13:14 \(the example at line 10, broken\.ts\): TS2322 /),
    ]);
  });

  it.each(PACKAGES)(
    'packages/%s/README.md has an install line, supported versions, a full example and its spans',
    (name) => {
      const readme = `packages/${name}/README.md`;
      const text = readFileSync(join(ROOT_DIR, readme), 'utf8');
      const headings = text.split('\n').filter((line) => /^#{2,4} /.test(line));
      expect({
        installLine: /^\s*npm (install|i) /m.test(text),
        supportedVersions: headings.some((heading) => /supported versions/i.test(heading)),
        spansEmitted: headings.some((heading) => /spans emitted|what it emits/i.test(heading)),
        fullExamples: examples.filter((example) => example.readme === readme).length > 0,
      }).toEqual({ installLine: true, supportedVersions: true, spansEmitted: true, fullExamples: true });
    },
  );
});
