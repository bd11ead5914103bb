import { describe, expect, it, jest } from '@jest/globals';

/**
 * pino, nestjs-pino, pino-http and winston are optional peers: each entry point must load (and work) in an
 * application that has none of them. Here every one of them fails to load, as a missing package would.
 */
for (const name of ['pino', 'pino-http', 'nestjs-pino', 'winston', 'logform']) {
  jest.unstable_mockModule(name, () => {
    throw new Error(`Cannot find package '${name}' (optional peer, not installed)`);
  });
}

describe('entry points without the optional peers', () => {
  it('loads every entry point and builds each integration without pino, nestjs-pino or winston', async () => {
    const root = await import('../src/index.js');
    const pinoEntry = await import('../src/pino.js');
    const nestjsPinoEntry = await import('../src/nestjs-pino.js');
    const winstonEntry = await import('../src/winston.js');

    expect(new root.TracedConsoleLogger({ json: true })).toBeDefined();
    expect(pinoEntry.traceMixin()({}, 30, undefined)).toEqual({});
    expect(nestjsPinoEntry.tracedLoggerParams().pinoHttp).toEqual({ mixin: expect.any(Function) });
    const info = { level: 'info', message: 'outside a trace' };
    expect(winstonEntry.traceFormat().transform(info, {})).toEqual({ level: 'info', message: 'outside a trace' });
    await expect(import('winston')).rejects.toThrow('optional peer, not installed');
  });
});
