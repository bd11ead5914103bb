import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { TracingConfigError } from '@huleedu/nest-tracing';

/**
 * Which messaging attribute names the spans carry, following OpenTelemetry's transition rule for
 * conventions still in development:
 * - `legacy` (default): the names emitted before semconv 1.45 (`messaging.system`, `messaging.kafka.offset`, ...);
 * - `stable`: only the 1.45 names (`messaging.system.name`, `kafka.offset`, ...); env `OTEL_SEMCONV_STABILITY_OPT_IN=messaging`;
 * - `dup`: both, for moving dashboards and queries over; env `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup`.
 */
export type MessagingSemconv = 'legacy' | 'stable' | 'dup';

/** Semantic-convention choices of `KafkaTracingModule.forRoot({ semconv })`; each wins over `OTEL_SEMCONV_STABILITY_OPT_IN`. */
export interface SemconvOptions {
  /** Default: from `OTEL_SEMCONV_STABILITY_OPT_IN` (`messaging` → `stable`, `messaging/dup` → `dup`), else `legacy`. */
  messaging?: MessagingSemconv;
}

/**
 * The attributes semconv 1.45 renamed, by the name this package produces them under (the legacy one).
 * `messaging.system` → `messaging.system.name` and the system-specific attributes leave the
 * `messaging.*` namespace (semconv #1892). The RabbitMQ ones are listed for attributes an
 * application adds through `attributes` extractors; the transports emit none of them today.
 */
export const RENAMED_MESSAGING_ATTRIBUTES: Readonly<Record<string, string>> = {
  'messaging.system': 'messaging.system.name',
  'messaging.kafka.offset': 'kafka.offset',
  'messaging.kafka.message.key': 'kafka.message.key',
  'messaging.kafka.message.tombstone': 'kafka.message.tombstone',
  'messaging.kafka.cluster.id': 'kafka.cluster.id',
  'messaging.rabbitmq.destination.routing_key': 'rabbitmq.destination.routing_key',
  'messaging.rabbitmq.message.delivery_tag': 'rabbitmq.message.delivery_tag',
};

/**
 * The naming table, resolved once when the options are set: in `legacy` mode `renamed` is
 * undefined and attributes go out as produced (the per-message path does one undefined check);
 * otherwise it maps each renamed attribute to the keys it is written under.
 */
export interface MessagingAttributeNaming {
  readonly mode: MessagingSemconv;
  readonly renamed: ReadonlyMap<string, readonly string[]> | undefined;
}

function namingFor(mode: MessagingSemconv): MessagingAttributeNaming {
  if (mode === 'legacy') return { mode, renamed: undefined };
  const renamed = new Map<string, readonly string[]>();
  for (const [legacy, current] of Object.entries(RENAMED_MESSAGING_ATTRIBUTES)) {
    renamed.set(legacy, mode === 'dup' ? [current, legacy] : [current]);
  }
  return { mode, renamed };
}

const NAMINGS: Readonly<Record<MessagingSemconv, MessagingAttributeNaming>> = {
  legacy: namingFor('legacy'),
  stable: namingFor('stable'),
  dup: namingFor('dup'),
};

/**
 * The mode `OTEL_SEMCONV_STABILITY_OPT_IN` asks for: a comma-separated list that may name other
 * areas (`http`, `database`); `messaging/dup` wins over `messaging`, and unknown entries are
 * ignored, as the OpenTelemetry instrumentations do.
 */
export function messagingSemconvFromEnv(value: string | undefined): MessagingSemconv {
  if (!value) return 'legacy';
  const entries = value.split(',').map((entry) => entry.trim().toLowerCase());
  if (entries.includes('messaging/dup')) return 'dup';
  return entries.includes('messaging') ? 'stable' : 'legacy';
}

/**
 * The naming table for the option (which wins) or else the environment variable. An invalid option
 * fails at once, with the valid values.
 */
export function resolveMessagingNaming(
  semconv: SemconvOptions | undefined,
  env: string | undefined,
  where: string,
): MessagingAttributeNaming {
  if (semconv !== undefined && (typeof semconv !== 'object' || semconv === null)) {
    throw TracingConfigError.create(`${where}: semconv must be an object, got ${JSON.stringify(semconv)}.`, [
      "Write semconv: { messaging: 'stable' } (or 'dup', or 'legacy').",
    ]);
  }
  const option = semconv?.messaging;
  if (option === undefined) return NAMINGS[messagingSemconvFromEnv(env)];
  if (option !== 'legacy' && option !== 'stable' && option !== 'dup') {
    throw TracingConfigError.create(
      `${where}: semconv.messaging must be 'legacy', 'stable' or 'dup', got ${JSON.stringify(option)}.`,
      [
        "Write semconv: { messaging: 'stable' } for the semconv 1.45 names only, 'dup' for old and new names, 'legacy' (the default) for the names emitted so far.",
        'Or leave it out and set OTEL_SEMCONV_STABILITY_OPT_IN=messaging (or messaging/dup).',
      ],
    );
  }
  return NAMINGS[option];
}

/** Where messaging attributes go: a span, or a plain attributes object. */
interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): unknown;
}

/** A sink that writes each renamed attribute under the keys of `renamed`, every other one as it is. */
class RenamingSink implements AttributeSink {
  constructor(
    private readonly target: AttributeSink,
    private readonly renamed: ReadonlyMap<string, readonly string[]>,
  ) {}

  setAttribute(key: string, value: AttributeValue): this {
    const keys = this.renamed.get(key);
    if (keys === undefined) this.target.setAttribute(key, value);
    else for (const name of keys) this.target.setAttribute(name, value);
    return this;
  }
}

/** `target` itself in `legacy` mode; else a sink that writes the names the mode asks for. */
export function namingSink<S extends AttributeSink>(target: S, naming: MessagingAttributeNaming): S | AttributeSink {
  return naming.renamed === undefined ? target : new RenamingSink(target, naming.renamed);
}

/** `attributes` itself in `legacy` mode; else a copy with the names the mode asks for. */
export function renameMessagingAttributes(attributes: Attributes, naming: MessagingAttributeNaming): Attributes {
  const { renamed } = naming;
  if (renamed === undefined) return attributes;
  const result: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    const keys = renamed.get(key);
    if (keys === undefined) result[key] = value;
    else for (const name of keys) result[name] = value;
  }
  return result;
}

/**
 * The value of a messaging attribute, named by its legacy name, under whichever name a span carries
 * it (the semconv 1.45 one first): for span processors, filters and assertions that must read spans
 * of every mode.
 * @example `messagingAttribute(span.attributes, 'messaging.kafka.offset')` reads `kafka.offset` or `messaging.kafka.offset`
 */
export function messagingAttribute(attributes: Attributes, legacyKey: string): AttributeValue {
  const current = RENAMED_MESSAGING_ATTRIBUTES[legacyKey];
  return (current === undefined ? undefined : attributes[current]) ?? attributes[legacyKey];
}
