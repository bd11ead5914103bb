import { expect } from '@jest/globals';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { configureKafkaTracing } from '@huleedu/nest-tracing-kafka';
import type { MessagingSemconv } from '@huleedu/nest-tracing-kafka';

const SEMCONV_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';
/** What the process had before the cases changed it. */
const ORIGINAL_ENV = process.env[SEMCONV_ENV];

/**
 * The renames of semconv 1.45 the spans must follow, written out here (not taken from the package)
 * so the spec checks the names themselves.
 */
const RENAMED: Record<string, string> = {
  'messaging.system': 'messaging.system.name',
  'messaging.kafka.offset': 'kafka.offset',
  'messaging.kafka.message.key': 'kafka.message.key',
  'messaging.kafka.message.tombstone': 'kafka.message.tombstone',
};

/** One way an application chooses the names: the environment variable, the module option, or both. */
export interface SemconvCase {
  title: string;
  env: string | undefined;
  option: MessagingSemconv | undefined;
  /** The names the spans must then carry. */
  mode: MessagingSemconv;
}

export const SEMCONV_CASES: readonly SemconvCase[] = [
  { title: 'default (no opt-in)', env: undefined, option: undefined, mode: 'legacy' },
  { title: 'OTEL_SEMCONV_STABILITY_OPT_IN=http,messaging', env: 'http,messaging', option: undefined, mode: 'stable' },
  {
    title: 'OTEL_SEMCONV_STABILITY_OPT_IN=database,messaging/dup',
    env: 'database,messaging/dup',
    option: undefined,
    mode: 'dup',
  },
  {
    title: "semconv: { messaging: 'legacy' } over OTEL_SEMCONV_STABILITY_OPT_IN=messaging",
    env: 'messaging',
    option: 'legacy',
    mode: 'legacy',
  },
  {
    title: "semconv: { messaging: 'stable' } over OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup",
    env: 'messaging/dup',
    option: 'stable',
    mode: 'stable',
  },
];

/** Start-up under `semconvCase`: the variable as the process sees it, then the module's configuration. */
export function applySemconvCase(semconvCase: SemconvCase): void {
  if (semconvCase.env === undefined) delete process.env[SEMCONV_ENV];
  else process.env[SEMCONV_ENV] = semconvCase.env;
  configureKafkaTracing(semconvCase.option === undefined ? {} : { semconv: { messaging: semconvCase.option } });
}

/** Back to the variable the process had, and the defaults. */
export function resetSemconv(): void {
  if (ORIGINAL_ENV === undefined) delete process.env[SEMCONV_ENV];
  else process.env[SEMCONV_ENV] = ORIGINAL_ENV;
  configureKafkaTracing({});
}

/**
 * `span` carries `expected` (written with the legacy names) under the names `mode` asks for, and
 * none under the names it does not: legacy only the old names, stable only the new, dup both.
 */
export function expectMessagingNames(
  span: ReadableSpan,
  mode: MessagingSemconv,
  expected: Record<string, string | number | boolean>,
): void {
  for (const [legacy, value] of Object.entries(expected)) {
    const current = RENAMED[legacy];
    if (current === undefined) {
      expect({ [legacy]: span.attributes[legacy] }).toEqual({ [legacy]: value });
      continue;
    }
    const withOld = mode !== 'stable';
    const withNew = mode !== 'legacy';
    expect({ [legacy]: span.attributes[legacy], [current]: span.attributes[current] }).toEqual({
      [legacy]: withOld ? value : undefined,
      [current]: withNew ? value : undefined,
    });
  }
  // nothing under a name of the other mode, renamed or not, leaks through
  const keys = Object.keys(span.attributes);
  if (mode === 'legacy')
    expect(keys.filter((key) => key.startsWith('kafka.') || key === 'messaging.system.name')).toEqual([]);
  if (mode === 'stable') expect(keys.filter((key) => key in RENAMED)).toEqual([]);
}
