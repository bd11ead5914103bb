import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { createLogger, format, transports } from 'winston';
import type { Logform, Logger } from 'winston';
import { traceOperation, withCorrelationId } from '@huleedu/nest-tracing';
import type { TestSpans } from '@huleedu/nest-tracing-testing';
import { traceFormat } from '../src/winston.js';
import type { TraceLogFieldsOptions } from '../src/winston.js';
import { collectingStream } from './support/captured-output.js';
import type { CapturedLines } from './support/captured-output.js';
import { fieldsOf, startTestTracing, withBrokenBaggage } from './support/traced-context.js';

/** A winston logger printing `printer`'s lines to a real Stream transport; with `traceFormat` first unless `plain`. */
function winstonTo(
  printer: Logform.Format,
  options: TraceLogFieldsOptions | 'plain' = {},
): { logger: Logger; output: CapturedLines } {
  const output = collectingStream();
  const formats = options === 'plain' ? [printer] : [traceFormat(options), printer];
  const logger = createLogger({
    format: format.combine(...formats),
    transports: [new transports.Stream({ stream: output.stream })],
  });
  return { logger, output };
}

describe('traceFormat (a real winston logger with a Stream transport)', () => {
  let moduleRef: TestingModule;
  let spans: TestSpans;

  beforeAll(async () => ({ moduleRef, spans } = await startTestTracing()));
  afterAll(async () => moduleRef.close());
  beforeEach(() => spans.reset());

  it('adds the trace fields and the correlation id as top-level properties inside a span', () => {
    const { logger, output } = winstonTo(format.json());
    withCorrelationId('corr-winston-1', () =>
      traceOperation('batch.complete', () => logger.info('batch completed', { batchId: 'batch-1' })),
    );
    expect(output.records()).toEqual([
      {
        level: 'info',
        message: 'batch completed',
        batchId: 'batch-1',
        ...fieldsOf(spans.one('batch.complete')),
        correlation_id: 'corr-winston-1',
      },
    ]);
  });

  it('leaves entries outside a traced context unchanged, in JSON and in the simple format', () => {
    for (const printer of [format.json(), format.simple()]) {
      const plain = winstonTo(printer, 'plain');
      const traced = winstonTo(printer);
      plain.logger.warn('slow', { ms: 1200 });
      traced.logger.warn('slow', { ms: 1200 });
      expect(traced.output.lines()).toEqual(plain.output.lines());
    }
  });

  it('writes the entry when extraFields throws (with the trace fields) or the context cannot be read (without)', () => {
    const { logger, output } = winstonTo(format.json(), {
      extraFields: () => {
        throw new Error('extra fields bug');
      },
    });
    traceOperation('hook.fails', () => logger.info('hook failed'));
    withBrokenBaggage(() => logger.info('context broken'));
    expect(output.records()).toEqual([
      { level: 'info', message: 'hook failed', ...fieldsOf(spans.one('hook.fails')) },
      { level: 'info', message: 'context broken' },
    ]);
    expect(spans.diagnostics()).toContainEqual(expect.stringContaining('extraFields threw for a log line'));
  });
});
