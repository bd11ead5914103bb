import type { Params } from 'nestjs-pino';
import type { TraceMixinOptions } from './trace-mixin.js';
import { traceMixin } from './trace-mixin.js';

type PinoHttpParam = NonNullable<Params['pinoHttp']>;
type PinoHttpOptions = Exclude<PinoHttpParam, unknown[] | { write: unknown } | { logger: unknown }>;

const isStream = (value: object): value is { write: (line: string) => unknown } =>
  typeof (value as { write?: unknown }).write === 'function';

/** `options` with `traceMixin` in place of its `mixin` (which the trace mixin then calls first). */
function withTraceMixin(options: PinoHttpOptions, extra: Omit<TraceMixinOptions, 'mixin'>): PinoHttpOptions {
  const { mixin } = options as { mixin?: TraceMixinOptions['mixin'] };
  return { ...options, mixin: traceMixin({ ...extra, mixin }) };
}

/**
 * nestjs-pino's `LoggerModule` parameters with the trace fields on every line of its logger: the
 * `pinoHttp` options get `traceMixin` (composed with a `mixin` they already have), whether
 * `pinoHttp` is options, a destination stream or an `[options, stream]` pair. Use it in
 * `LoggerModule.forRoot(tracedLoggerParams({ ... }))` or return it from `forRootAsync`'s
 * `useFactory`. A `pinoHttp: { logger }` of your own, or `useExisting` (Fastify's logger), is left
 * as it is: create that logger with `mixin: traceMixin()` from `@huleedu/nest-tracing-logging/pino`.
 */
export function tracedLoggerParams<P extends Params = Params>(
  params: P = {} as P,
  options: Omit<TraceMixinOptions, 'mixin'> = {},
): P {
  const { pinoHttp } = params;
  if (pinoHttp === undefined) return { ...params, pinoHttp: { mixin: traceMixin(options) } };
  if (Array.isArray(pinoHttp)) {
    const [httpOptions, stream] = pinoHttp as [PinoHttpOptions, unknown];
    return { ...params, pinoHttp: [withTraceMixin(httpOptions, options), stream] };
  }
  if (isStream(pinoHttp)) return { ...params, pinoHttp: [{ mixin: traceMixin(options) }, pinoHttp] };
  if ('logger' in pinoHttp && pinoHttp.logger !== undefined) return params;
  return { ...params, pinoHttp: withTraceMixin(pinoHttp, options) };
}
