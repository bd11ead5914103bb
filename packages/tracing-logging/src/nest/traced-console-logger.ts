import { ConsoleLogger } from '@nestjs/common';
import type { ConsoleLoggerOptions, LogLevel } from '@nestjs/common';
import { collectLogFields } from '../fields/collect-log-fields.js';
import { formatTextFields } from '../fields/format-text-fields.js';
import type { TraceLogFieldsOptions } from '../types.js';

/** Options of `TracedConsoleLogger`: Nest's `ConsoleLogger` options and `extraFields`. */
export interface TracedConsoleLoggerOptions extends ConsoleLoggerOptions, TraceLogFieldsOptions {}

/** The record `ConsoleLogger.getJsonLogObject` builds (Nest 11 and 12). */
type JsonLogObject = ReturnType<ConsoleLogger['getJsonLogObject']>;
type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * Nest's own `ConsoleLogger`, with the trace fields on every line written inside a traced or
 * correlated context. Text mode appends them after the message as
 * ` trace_id=<32 hex> span_id=<16 hex> trace_flags=01 correlation_id=<id>` (before Nest's `+Nms`
 * when `timestamp` is on); JSON mode (`json: true`) adds them as top-level keys. Outside such a
 * context the line is exactly what `ConsoleLogger` writes. Hand it to Nest once and every
 * `new Logger(context)` in the application writes through it:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, { logger: new TracedConsoleLogger() });
 * ```
 *
 * Extends `ConsoleLogger` through its protected formatting hooks only, so every option of Nest's
 * logger (levels, colors, prefix, `json`, `redact`, params) keeps its meaning.
 */
export class TracedConsoleLogger extends ConsoleLogger {
  declare protected options: TracedConsoleLoggerOptions;

  constructor();
  constructor(context: string);
  constructor(options: TracedConsoleLoggerOptions);
  constructor(context: string, options: TracedConsoleLoggerOptions);
  constructor(contextOrOptions?: string | TracedConsoleLoggerOptions, options?: TracedConsoleLoggerOptions) {
    // ConsoleLogger sorts its (context?, options?) arguments itself; it keeps unknown option keys.
    super(contextOrOptions as string, options as ConsoleLoggerOptions);
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
    params?: Record<string, unknown>,
  ): string {
    const fields = collectLogFields('nest-console-logger', this.options);
    const suffix = fields === undefined ? '' : formatTextFields(fields);
    return super.formatMessage(
      logLevel,
      message,
      pidMessage,
      formattedLogLevel,
      contextMessage,
      `${suffix}${timestampDiff}`,
      params,
    );
  }

  protected override getJsonLogObject(message: unknown, options: JsonLogOptions): JsonLogObject {
    const logObject = super.getJsonLogObject(message, options);
    const fields = collectLogFields('nest-console-logger', this.options);
    // The trace fields win over flattened params of the same name: they say where the line was written.
    return fields === undefined ? logObject : Object.assign(logObject, fields);
  }
}
