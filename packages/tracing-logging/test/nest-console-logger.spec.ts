import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import type { ConsoleLoggerOptions } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import type { TestSpans } from '@huleedu/nest-tracing-testing';
import { TracedConsoleLogger } from '../src/index.js';
import type { TracedConsoleLoggerOptions } from '../src/index.js';
import { captureProcessOutput } from './support/captured-output.js';
import type { CapturedLines } from './support/captured-output.js';
import { fieldsOf, startTestTracing, withBrokenBaggage } from './support/traced-context.js';

/** Nest's date and `+Nms` come from `Date`: frozen, so a traced and a plain logger write the same bytes. */
const NOW = new Date('2026-12-03T10:00:00Z');

describe('TracedConsoleLogger (a real ConsoleLogger writing to process.stdout)', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;
  let output: CapturedLines & { restore(): void };

  beforeAll(async () => ({ moduleRef, spans } = await startTestTracing()));
  afterAll(async () => moduleRef.close());
  beforeEach(() => {
    spans.reset();
    jest.useFakeTimers({
      now: NOW,
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'],
    });
    output = captureProcessOutput();
  });
  afterEach(() => {
    output.restore();
    jest.useRealTimers();
  });

  /** What `log` writes through a plain ConsoleLogger and a TracedConsoleLogger with the same options. */
  function bothLoggers(options: ConsoleLoggerOptions): { plain: ConsoleLogger; traced: TracedConsoleLogger } {
    return {
      plain: new ConsoleLogger('Spec', { ...options }),
      traced: new TracedConsoleLogger('Spec', { ...options }),
    };
  }

  describe('text mode', () => {
    it('appends trace_id, span_id, trace_flags and correlation_id to a line written inside a span', () => {
      const logger = new TracedConsoleLogger('Essays', { colors: false });
      withCorrelationId('corr-text-1', () => traceOperation('essay.store', () => logger.log('stored essay-1')));
      const { trace_id, span_id, trace_flags } = fieldsOf(spans.one('essay.store'));
      expect(output.lines()).toHaveLength(1);
      expect(output.lines()[0]).toMatch(
        new RegExp(
          `^\\[Nest\\] ${process.pid} {2}- .+ {5}LOG \\[Essays\\] stored essay-1 ` +
            `trace_id=${trace_id} span_id=${span_id} trace_flags=${trace_flags} correlation_id=corr-text-1\\n$`,
        ),
      );
    });

    it('writes exactly what ConsoleLogger writes outside a traced context, for every level and option', () => {
      for (const options of [{}, { colors: false }, { timestamp: true, prefix: 'Api' }, { colors: true }]) {
        const { plain, traced } = bothLoggers(options);
        const written = [plain, traced].map((logger) => {
          const before = output.lines().length;
          logger.log('started', { port: 3000 });
          logger.warn('slow');
          logger.error('failed', 'Error: boom\n    at spec');
          logger.debug({ nested: { value: 1 } });
          return output.lines().slice(before);
        });
        expect(written[0].length).toBeGreaterThanOrEqual(4);
        expect(written[1]).toEqual(written[0]);
      }
      expect(output.lines().join('')).not.toContain('trace_id=');
    });

    it('puts the fields before the +Nms timestamp difference, and carries a correlation id alone', () => {
      const logger = new TracedConsoleLogger('Batch', { colors: false, timestamp: true });
      traceOperation('batch.register', () => logger.log('registered'));
      withCorrelationId('corr-only', () => logger.log('no span here'));
      const { trace_id, span_id } = fieldsOf(spans.one('batch.register'));
      const [inSpan, correlated] = output.lines();
      expect(inSpan).toMatch(
        new RegExp(`registered trace_id=${trace_id} span_id=${span_id} trace_flags=01 \\+\\d+ms\\n$`),
      );
      expect(correlated).toMatch(/ no span here correlation_id=corr-only \+\d+ms\n$/);
    });
  });

  describe('JSON mode', () => {
    it('adds the fields as top-level keys of the record', () => {
      const logger = new TracedConsoleLogger('Essays', { json: true });
      withCorrelationId('corr-json-1', () =>
        traceOperation('essay.read', () => logger.warn('slow read', { essayId: 'essay-2' })),
      );
      expect(output.records()).toEqual([
        {
          level: 'warn',
          pid: process.pid,
          timestamp: NOW.getTime(),
          message: 'slow read',
          context: 'Essays',
          params: { essayId: 'essay-2' },
          ...fieldsOf(spans.one('essay.read')),
          correlation_id: 'corr-json-1',
        },
      ]);
    });

    it('writes exactly what ConsoleLogger writes outside a traced context', () => {
      const { plain, traced } = bothLoggers({ json: true });
      for (const logger of [plain, traced]) {
        logger.log('started');
        logger.error(new Error('boom'));
      }
      const [plainLog, plainError, tracedLog, tracedError] = output.lines();
      expect([tracedLog, tracedError]).toEqual([plainLog, plainError]);
    });
  });

  describe('hooks and faults', () => {
    it('adds extraFields inside a traced context, never over the trace fields, and never outside', () => {
      const options: TracedConsoleLoggerOptions = {
        json: true,
        extraFields: () => ({ tenant_id: 'school-7', trace_id: 'forged', skipped: undefined }),
      };
      const logger = new TracedConsoleLogger('Tenants', options);
      traceOperation('tenant.read', () => logger.log('read'));
      logger.log('outside');
      const [inside, outside] = output.records();
      expect(inside).toMatchObject({ ...fieldsOf(spans.one('tenant.read')), tenant_id: 'school-7' });
      expect(inside).not.toHaveProperty('skipped');
      expect(outside).not.toHaveProperty('tenant_id');
      expect(outside).not.toHaveProperty('trace_id');
    });

    it('still writes the line, with the trace fields, when extraFields throws', () => {
      const logger = new TracedConsoleLogger('Tenants', {
        colors: false,
        extraFields: () => {
          throw new Error('tenant lookup failed');
        },
      });
      const result = traceOperation('tenant.write', () => {
        logger.log('written');
        return 'business result';
      });
      expect(result).toBe('business result');
      const { trace_id, span_id } = fieldsOf(spans.one('tenant.write'));
      expect(output.lines().filter((line) => line.includes(' written '))).toEqual([
        expect.stringMatching(
          new RegExp(`\\[Tenants\\] written trace_id=${trace_id} span_id=${span_id} trace_flags=01\\n$`),
        ),
      ]);
      expect(output.lines().join('')).not.toContain('tenant_id');
      expect(spans.diagnostics()).toContainEqual(expect.stringContaining('extraFields threw for a log line'));
    });

    it('writes the plain line when the context itself cannot be read', () => {
      const { plain, traced } = bothLoggers({ colors: false });
      const result = withBrokenBaggage(() => {
        plain.log('in a broken context');
        traced.log('in a broken context');
        return 'business result';
      });
      expect(result).toBe('business result');
      const lines = output.lines().filter((line) => line.includes('in a broken context'));
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(lines[0]);
      expect(spans.diagnostics()).toContainEqual(
        expect.stringContaining('Could not read the trace fields of a log line'),
      );
    });
  });
});
