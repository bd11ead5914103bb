import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Params } from 'nestjs-pino';
import { tracedLoggerParams } from './traced-logger-params.js';

type Mixin = (mergeObject: object, level: number, logger: unknown) => object;
const mixinOf = (options: unknown): Mixin => (options as { mixin: Mixin }).mixin;

describe('tracedLoggerParams', () => {
  const stream = new Writable({ write: (_chunk, _encoding, done) => done() });

  it('adds the trace mixin to every shape of pinoHttp, keeping the other parameters', () => {
    const none: Params = tracedLoggerParams({ renameContext: 'ctx' });
    expect(none.renameContext).toBe('ctx');
    expect(typeof mixinOf(none.pinoHttp)).toBe('function');

    const options = tracedLoggerParams({ pinoHttp: { level: 'debug' } });
    expect(options.pinoHttp).toMatchObject({ level: 'debug', mixin: expect.any(Function) });

    const onlyStream = tracedLoggerParams({ pinoHttp: stream });
    expect(onlyStream.pinoHttp).toEqual([{ mixin: expect.any(Function) }, stream]);

    const pair = tracedLoggerParams({ pinoHttp: [{ level: 'warn' }, stream] });
    expect(pair.pinoHttp).toEqual([{ level: 'warn', mixin: expect.any(Function) }, stream]);
  });

  it('calls a mixin the options already had, outside a traced context too', () => {
    const params = tracedLoggerParams({ pinoHttp: { mixin: () => ({ region: 'eu' }) } });
    expect(mixinOf(params.pinoHttp)({}, 30, undefined)).toEqual({ region: 'eu' });
  });

  it('leaves a logger of your own as it is', () => {
    const params: Params = { pinoHttp: { logger: pino(stream) } };
    expect(tracedLoggerParams(params)).toBe(params);
  });
});
