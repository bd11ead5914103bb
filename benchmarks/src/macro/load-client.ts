import autocannon from 'autocannon';

/**
 * The load generator, a child process of http-bench that lives for the whole run, so the load never
 * shares an event loop with the harness or a server and no measurement pays for starting a process.
 * Over IPC it takes `run` requests: autocannon for the warm-up, `warmed` to the harness (which then
 * reads the server's counters) and, on `go`, the measured run; it answers with a {@link LoadResult}.
 *
 * autocannon's own latency histogram counts whole milliseconds (its lowest discernible value is 1 ms),
 * too coarse for requests that take 1-3 ms, so every 2xx response time it reports (float ms, from
 * `process.hrtime`) is kept as well, and the percentiles below are computed from those.
 */

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  url: string;
  connections: number;
  /** Seconds, as autocannon measured the run. */
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  /** From the recorded response times, in ms. */
  latencyMs: LatencySummary;
  /** autocannon's own figures (whole milliseconds), for reference. */
  autocannonLatencyMs: { mean: number; p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  warmupRequests: number;
  /** This process's CPU time (user + system) over the measured run, in microseconds. */
  clientCpuUs: number;
}

export interface LoadRequest {
  url: string;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Sent with every request, warm-up included (the setup's `requestHeaders`, e.g. a sampled-out `traceparent`). */
  headers?: Record<string, string>;
}

export type ToLoadClient = { type: 'run'; id: number; request: LoadRequest } | { type: 'go'; id: number };
export type FromLoadClient = { type: 'warmed'; id: number } | { type: 'result'; id: number; result: LoadResult };

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function send(message: FromLoadClient): void {
  process.send!(message);
}

/** Resolves on the harness's `go` for run `id`. */
function goSignal(id: number): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: ToLoadClient): void => {
      if (message.type !== 'go' || message.id !== id) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
}

let recorded = new Float64Array(1 << 16);

async function run(id: number, { url, connections, durationS, warmupS, headers }: LoadRequest): Promise<LoadResult> {
  const go = goSignal(id);
  const warmupRequests =
    warmupS > 0 ? (await autocannon({ url, connections, duration: warmupS, headers })).requests.total : 0;
  send({ type: 'warmed', id });
  await go;
  const cpuAtGo = process.cpuUsage();
  let count = 0;
  const instance = autocannon({ url, connections, duration: durationS, headers });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === recorded.length) {
      const grown = new Float64Array(recorded.length * 2);
      grown.set(recorded);
      recorded = grown;
    }
    recorded[count++] = responseTime;
  });
  const result = await instance;
  const cpu = process.cpuUsage(cpuAtGo);
  const sorted = recorded.subarray(0, count).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    url,
    connections,
    durationS: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: {
      mean: sum / count,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted[count - 1],
    },
    autocannonLatencyMs: { mean: result.latency.mean, p50: result.latency.p50, p99: result.latency.p99 },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    warmupRequests,
    clientCpuUs: cpu.user + cpu.system,
  };
}

if (!process.send) throw new Error('load-client.js is started by http-bench.js, with an IPC channel');
// One run at a time: the harness waits for each result before it asks for the next.
process.on('message', (message: ToLoadClient) => {
  if (message.type === 'run')
    void run(message.id, message.request).then((result) => send({ type: 'result', id: message.id, result }));
});
process.on('disconnect', () => process.exit(0));
