import type { EntryPoint, EntryPointKind, Tier } from '../types.js';

/** The seed's tier names. */
export const TIER_LABELS: Record<Tier, string> = {
  1: 'full active tracing',
  2: 'infrastructure only',
  3: 'no tracing',
};

/** Business spans: `@Traced` methods and `traceOperation` calls (entry-point spans are infrastructure). */
export function businessSpanCount(entryPoints: EntryPoint[]): number {
  return entryPoints.filter((e) => (e.kind === 'traced-method' || e.kind === 'trace-operation') && e.traced).length;
}

/** 1: initialised with business spans; 2: initialised without; 3: not initialised. */
export function tierOf(initialised: boolean, entryPoints: EntryPoint[]): Tier {
  if (!initialised) return 3;
  return businessSpanCount(entryPoints) > 0 ? 1 : 2;
}

const COUNTED: Array<[EntryPointKind, string]> = [
  ['http-route', 'HTTP routes'],
  ['message-handler', 'message handlers'],
  ['kafka-consumer', 'kafkajs consumers'],
  ['data-source', 'TypeORM data sources'],
];

/** One line for the table: `HTTP routes 2/3, message handlers 2/2, business spans 5, ...`. */
export function summarise(initialised: boolean, entryPoints: EntryPoint[]): string {
  const parts: string[] = [];
  for (const [kind, label] of COUNTED) {
    const of = entryPoints.filter((e) => e.kind === kind);
    if (of.length > 0) parts.push(`${label} ${of.filter((e) => e.traced).length}/${of.length}`);
  }
  const business = entryPoints.filter((e) => e.kind === 'traced-method' || e.kind === 'trace-operation');
  if (business.length > 0 || initialised) parts.push(`business spans ${businessSpanCount(entryPoints)}`);
  const providers = entryPoints.filter((e) => e.kind === 'provider').length;
  if (providers > 0) parts.push(`providers without spans ${providers}`);
  const runtime = entryPoints.filter((e) => e.runtime && e.traced);
  if (runtime.length > 0)
    parts.push(`seen at run time ${runtime.filter((e) => e.runtime!.covered).length}/${runtime.length}`);
  const text = parts.join(', ');
  return initialised ? text : `not initialised${text ? ` (${text})` : ''}`;
}
