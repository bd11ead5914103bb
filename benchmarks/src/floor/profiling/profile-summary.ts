import { readFileSync } from 'node:fs';

/**
 * Where a CPU profile of one floor variant (`floor.bench.js --cpu-profile=`) spends its time: self
 * time by layer (OpenTelemetry's API, SDK, core propagators, context manager; nest-tracing's packages;
 * the rest), Node's own functions counted for the layer that called them (AsyncLocalStorage's frames
 * for the context manager, TextDecoder for the header getter); the top functions; and the inclusive
 * time of the calls that make a span (extract, start, end).
 *   node benchmarks/dist/floor/profile-summary.js <file.cpuprofile> [operations] [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const NODE = 'Node.js internals and builtins';

/** The layer a function belongs to, by where its code lives. */
export function layerOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return `V8 ${name}`;
  if (url.includes('@opentelemetry/api/')) return 'OTel API (context, trace, propagation facades)';
  if (url.includes('@opentelemetry/sdk-trace/')) return 'OTel SDK (Tracer, Span, BatchSpanProcessor)';
  if (url.includes('@opentelemetry/core/')) return 'OTel core (W3C propagators, attributes, suppression)';
  if (url.includes('@opentelemetry/context-async-hooks/')) return 'OTel context manager (AsyncLocalStorage)';
  if (url.includes('@opentelemetry/')) return 'OTel other';
  if (/packages\/tracing(-kafka|-typeorm)?\/dist\//.test(url) || url.includes('@huleedu/')) return 'nest-tracing';
  if (url.includes('/benchmarks/dist/')) return 'harness and hand-written code';
  if (url.startsWith('node:inspector')) return 'profiler';
  if (url.startsWith('node:') || url === '') return NODE;
  const library = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return library ? `library ${library[1]}` : 'other';
}

/** The inclusive time of these functions is reported (first match per stack, so recursion counts once). */
const KEY_CALLS = [
  'extract',
  'inject',
  'startSpan',
  'end',
  'setAttributes',
  'setAttribute',
  'with',
  'onEnd',
  'runConsumeSpan',
  'messageOrigin',
  'traceKafkaCall',
  'runTraced',
  'startOperationSpan',
  'begin',
  'startQuery',
  'endQuery',
];

function summarise(path: string, operations: number | undefined, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  let totalUs = 0;
  const layers = new Map<string, number>();
  const functions = new Map<string, { us: number; layer: string }>();
  const inclusive = new Map<string, number>();
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      stack.push(byId.get(current)!);
    }
    return stack;
  };
  /** Node's own code (AsyncLocalStorage's frames, TextDecoder, Buffer) counts for the layer that called it. */
  const callerLayer = (stack: ProfileNode[]): string => {
    for (const frame of stack) {
      const layer = layerOf(frame.callFrame.url, frame.callFrame.functionName);
      if (layer !== NODE && layer !== 'V8 (root)') return layer;
    }
    return NODE;
  };
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const stack = stackOf(id);
    const own = layerOf(url, name);
    if (own === 'V8 (idle)' || stack.some((frame) => frame.callFrame.url.startsWith('node:inspector'))) continue;
    const layer = own === NODE ? callerLayer(stack) : own;
    totalUs += us;
    layers.set(layer, (layers.get(layer) ?? 0) + us);
    const key = `${name} ${url.replace(/^.*\/(node_modules|packages|benchmarks)\//, '$1/')}:${lineNumber + 1}`;
    const entry = functions.get(key) ?? { us: 0, layer: own === NODE ? `${NODE}, for ${layer}` : layer };
    entry.us += us;
    functions.set(key, entry);
    const seen = new Set<string>();
    for (const { callFrame: frame } of stack) {
      const label = `${frame.functionName} (${layerOf(frame.url, frame.functionName).split(' ')[0]})`;
      if (KEY_CALLS.includes(frame.functionName) && !seen.has(label)) {
        seen.add(label);
        inclusive.set(label, (inclusive.get(label) ?? 0) + us);
      }
    }
  }
  const per = (us: number): string =>
    operations ? `${((us * 1000) / operations).toFixed(0).padStart(7)} ns/op` : `${(us / 1000).toFixed(1)} ms`;
  const pct = (us: number): string => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  out(
    `${path}: ${(totalUs / 1000).toFixed(0)} ms of samples (idle excluded)${operations ? `, ${operations} ops` : ''}`,
  );
  out('\nself time by layer');
  for (const [layer, us] of [...layers].sort((a, b) => b[1] - a[1])) out(`  ${pct(us)} ${per(us)}  ${layer}`);
  out(`\ntop ${top} functions by self time`);
  for (const [key, { us, layer }] of [...functions].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    out(`  ${pct(us)} ${per(us)}  ${key}  [${layer}]`);
  }
  out('\ninclusive time of the calls that make a span');
  for (const [label, us] of [...inclusive].sort((a, b) => b[1] - a[1])) out(`  ${pct(us)} ${per(us)}  ${label}`);
}

const [path, operations, top] = process.argv.slice(2);
if (!path) throw new Error('usage: profile-summary.js <file.cpuprofile> [operations] [top]');
summarise(path, operations ? Number(operations) : undefined, top ? Number(top) : 30);
