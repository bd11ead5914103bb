import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OtlpTraceReceiver } from '@huleedu/nest-tracing-testing';
import { collectTrace } from '../harness/collect-trace.js';
import { traceShape, withSpanTreeOnFailure } from '../harness/received-span-tree.js';
import { startService } from '../harness/start-service.js';
import type { RunningService } from '../harness/start-service.js';

/**
 * A NestJS application compiled to CommonJS (`test/commonjs/fixture`, built by the global setup) loads
 * the built packages with `require()` (require(esm), unflagged since Node 22.12) and traces a request:
 * it runs as a real process on this Node (`process.execPath`) and exports over OTLP to the receiver here.
 */
const PROCESS_TIMEOUT_MS = 60_000;
const FIXTURE_DIR = resolve(import.meta.dirname, 'fixture');
const SERVER = 2;
/** The errors Node throws when require() meets an ES module it cannot load synchronously. */
const REQUIRE_ESM_ERRORS = /ERR_REQUIRE_ASYNC_MODULE|ERR_REQUIRE_ESM|ERR_REQUIRE_CYCLE_MODULE/;

describe(`a CommonJS Nest application on Node ${process.version}`, () => {
  let receiver: OtlpTraceReceiver;
  let app: RunningService;

  beforeAll(async () => {
    receiver = await new OtlpTraceReceiver().start();
    app = await startService('commonjs-greeter', {
      script: 'test/commonjs/fixture/dist/main.js',
      // the line the fixture logs once listening (GET /health could answer before it is read)
      readyLine: /listening, module format: \w+/,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  }, PROCESS_TIMEOUT_MS);

  it('is compiled to CommonJS and requires the packages', async () => {
    const main = await readFile(resolve(FIXTURE_DIR, 'dist/main.js'), 'utf8');
    const fixturePackage = JSON.parse(await readFile(resolve(FIXTURE_DIR, 'package.json'), 'utf8')) as {
      type?: string;
    };

    expect(fixturePackage.type).toBe('commonjs');
    expect(main).not.toMatch(/^\s*(import|export)\s/m);
    for (const name of [
      '@huleedu/nest-tracing',
      '@huleedu/nest-tracing-testing',
      '@huleedu/nest-tracing-kafka',
      '@huleedu/nest-tracing-typeorm',
    ]) {
      expect(main).toContain(`require("${name}")`);
    }
    expect(app.output()).toContain('listening, module format: commonjs');
  });

  it('loads all four packages through require()', async () => {
    const response = await fetch(`${app.url}/packages`);

    expect(await response.json()).toEqual({
      '@huleedu/nest-tracing': 'function',
      '@huleedu/nest-tracing-testing': 'function',
      '@huleedu/nest-tracing-kafka': 'function',
      '@huleedu/nest-tracing-typeorm': 'function',
    });
  });

  it(
    'exports one trace with the SERVER span over the @Traced span',
    async () => {
      const response = await fetch(`${app.url}/greet/ada`);
      expect(await response.json()).toEqual({ greeting: 'Hello, ada' });

      const trace = await collectTrace(receiver, (span) => span.name === 'greeter.greet', 2);

      await withSpanTreeOnFailure(
        () => receiver.spans,
        () => {
          expect(traceShape(trace)).toEqual([
            'commonjs-greeter: GET /greet/:name [SERVER]',
            '  commonjs-greeter: greeter.greet [INTERNAL]',
          ]);
          const server = trace.find((span) => span.kind === SERVER);
          expect(server?.scope.name).toBe('@huleedu/nest-tracing');
          expect(server?.attributes).toMatchObject({ 'http.route': '/greet/:name', 'http.response.status_code': 200 });
        },
      );
    },
    PROCESS_TIMEOUT_MS,
  );

  it('printed no require(esm) error', () => {
    expect(app.output()).not.toMatch(REQUIRE_ESM_ERRORS);
  });
});
