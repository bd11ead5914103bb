import type { Attributes } from '@opentelemetry/api';
import { resolveMessagingNaming } from './messaging-semconv.js';
import type { MessagingAttributeNaming, SemconvOptions } from './messaging-semconv.js';

/**
 * How consumer and producer spans are named:
 * - `huleedu` (default): the seed's `kafka.consume.{topic}` / `kafka.produce.{topic}` (for other
 *   transports `{system}.consume.{destination}`);
 * - `semconv`: OpenTelemetry's `process {topic}` / `send {topic}`.
 */
export type SpanNameStyle = 'huleedu' | 'semconv';

/**
 * What the producer's context becomes for a consumed message:
 * - `parent` (default): the CONSUMER span is its child and also links to it (one trace end to end);
 * - `link`: the CONSUMER span starts a new trace and only links to it.
 */
export type ProducerContextMode = 'parent' | 'link';

/** Defaults for every consumer and producer span; `configureKafkaTracing()` or `KafkaTracingModule.forRoot()`. */
export interface KafkaTracingOptions {
  /** Default: `huleedu`. */
  spanNames?: SpanNameStyle;
  /** Default: `parent`. */
  producerContext?: ProducerContextMode;
  /** `messaging.consumer.group.name` when the transport does not tell (plain kafkajs handlers). */
  groupId?: string;
  /** `messaging.client.id` when the transport does not tell. */
  clientId?: string;
  /** Record `messaging.kafka.message.key`. Default: `true` (keys are identifiers, not payloads). */
  captureMessageKey?: boolean;
  /**
   * Read trace context and correlation id from the event envelope's `metadata` when no header
   * carries them (the seed's `use_trace_context(envelope.metadata)`). Default: `true`.
   */
  envelopeMetadata?: boolean;
  /** Topics (exact names) that get no spans and no injected headers. Default: none. */
  disabledTopics?: readonly string[];
}

/** What `configureKafkaTracing()` and `KafkaTracingModule.forRoot()` take: the defaults, plus process-wide choices. */
export interface KafkaTracingModuleOptions extends KafkaTracingOptions {
  /**
   * Semantic-convention names, `{ messaging: 'legacy' | 'stable' | 'dup' }`; wins over
   * `OTEL_SEMCONV_STABILITY_OPT_IN`. Default: from that variable (`messaging` → `stable`,
   * `messaging/dup` → `dup`), else `legacy` (the names emitted before semconv 1.45).
   */
  semconv?: SemconvOptions;
}

/** Per-handler options of `@TraceKafka()` and `traceKafkaHandler()`: the defaults, plus these. */
export interface TraceKafkaOptions extends KafkaTracingOptions {
  /** Span name; overrides `spanNames`. For a batch, `{topic}` in it is replaced by the topic. */
  name?: string;
  /**
   * Attributes from the decoded payload (the Nest handler's first argument, or for plain kafkajs the
   * message value parsed as JSON when it is JSON). A throwing extractor is reported once and ignored.
   */
  attributes?: (payload: any) => Attributes | undefined;
}

export interface ResolvedKafkaTracingOptions {
  spanNames: SpanNameStyle;
  producerContext: ProducerContextMode;
  groupId: string | undefined;
  clientId: string | undefined;
  captureMessageKey: boolean;
  envelopeMetadata: boolean;
  disabledTopics: ReadonlySet<string>;
  /** Process-wide (per-handler options cannot change it): which messaging attribute names spans carry. */
  messagingNaming: MessagingAttributeNaming;
}

const DEFAULTS: ResolvedKafkaTracingOptions = {
  spanNames: 'huleedu',
  producerContext: 'parent',
  groupId: undefined,
  clientId: undefined,
  captureMessageKey: true,
  envelopeMetadata: true,
  disabledTopics: new Set(),
  messagingNaming: resolveMessagingNaming({ messaging: 'legacy' }, undefined, 'defaults'),
};

/** The variable OpenTelemetry instrumentations read to switch to newer semantic-convention names. */
const SEMCONV_OPT_IN_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';

const STATE_KEY = Symbol.for('huleedu.nest-tracing-kafka.defaults');
type GlobalWithDefaults = typeof globalThis & { [STATE_KEY]?: ResolvedKafkaTracingOptions };

function validate(options: KafkaTracingOptions, where: string): void {
  if (options.spanNames !== undefined && options.spanNames !== 'huleedu' && options.spanNames !== 'semconv') {
    throw new Error(`${where}: spanNames must be 'huleedu' or 'semconv', got ${JSON.stringify(options.spanNames)}`);
  }
  if (
    options.producerContext !== undefined &&
    options.producerContext !== 'parent' &&
    options.producerContext !== 'link'
  ) {
    throw new Error(
      `${where}: producerContext must be 'parent' or 'link', got ${JSON.stringify(options.producerContext)}`,
    );
  }
  if (options.disabledTopics !== undefined && !Array.isArray(options.disabledTopics)) {
    throw new Error(`${where}: disabledTopics must be an array of topic names`);
  }
}

function merge(base: ResolvedKafkaTracingOptions, options: KafkaTracingOptions): ResolvedKafkaTracingOptions {
  return {
    spanNames: options.spanNames ?? base.spanNames,
    producerContext: options.producerContext ?? base.producerContext,
    groupId: options.groupId ?? base.groupId,
    clientId: options.clientId ?? base.clientId,
    captureMessageKey: options.captureMessageKey ?? base.captureMessageKey,
    envelopeMetadata: options.envelopeMetadata ?? base.envelopeMetadata,
    disabledTopics: options.disabledTopics ? new Set(options.disabledTopics) : base.disabledTopics,
    messagingNaming: base.messagingNaming,
  };
}

/**
 * The process-wide defaults (shared by every copy of the package). Without `configureKafkaTracing()`,
 * the first call reads `OTEL_SEMCONV_STABILITY_OPT_IN` and keeps the result.
 */
export function kafkaTracingDefaults(): ResolvedKafkaTracingOptions {
  return ((globalThis as GlobalWithDefaults)[STATE_KEY] ??= {
    ...DEFAULTS,
    messagingNaming: resolveMessagingNaming(undefined, process.env[SEMCONV_OPT_IN_ENV], 'kafkaTracingDefaults'),
  });
}

/**
 * Set the process-wide defaults of consumer and producer spans. Invalid values throw at once,
 * with what to write instead. `KafkaTracingModule.forRoot()` calls this. The messaging attribute
 * names are resolved here, once: `semconv.messaging`, else `OTEL_SEMCONV_STABILITY_OPT_IN` as it is now.
 * @param where - who is configuring, for the error message
 */
export function configureKafkaTracing(options: KafkaTracingModuleOptions, where = 'configureKafkaTracing'): void {
  validate(options, where);
  const messagingNaming = resolveMessagingNaming(options.semconv, process.env[SEMCONV_OPT_IN_ENV], where);
  (globalThis as GlobalWithDefaults)[STATE_KEY] = merge({ ...DEFAULTS, messagingNaming }, options);
}

/** Defaults under per-handler options; validated once, when the decorator or wrapper is made. */
export function resolveKafkaOptions(
  options: KafkaTracingOptions | undefined,
  where: string,
): () => ResolvedKafkaTracingOptions {
  if (!options || Object.keys(options).length === 0) return kafkaTracingDefaults;
  validate(options, where);
  let base: ResolvedKafkaTracingOptions | undefined;
  let resolved: ResolvedKafkaTracingOptions | undefined;
  return () => {
    const current = kafkaTracingDefaults();
    if (current !== base || !resolved) {
      base = current;
      resolved = merge(current, options);
    }
    return resolved;
  };
}
