import protobuf from 'protobufjs';
import { hex, keyValues } from './decode-otlp-traces.js';
import { OTLP_METRICS_PROTO } from './otlp-metrics.proto.js';

/** One data point of a metric as it arrived over OTLP, decoded into plain values. */
export interface ReceivedMetricPoint {
  /** The metric's name, unit and kind (`histogram`, `sum` or `gauge`). */
  name: string;
  unit: string;
  kind: 'histogram' | 'sum' | 'gauge';
  attributes: Record<string, unknown>;
  /** Histograms: recorded values, their sum, and the count per bucket with the buckets' upper bounds. */
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  /** Sums and gauges: the value. */
  value?: number;
  /** Exemplars: the trace and span each sampled value was recorded in. */
  exemplars: Array<{ traceId: string; spanId: string; value: number }>;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

const requestType = protobuf
  .parse(OTLP_METRICS_PROTO, { keepCase: false })
  .root.lookupType('otlp.ExportMetricsServiceRequest');

type Json = Record<string, any>;

const numberOf = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

function exemplarsOf(list: Json[] | undefined): ReceivedMetricPoint['exemplars'] {
  return (list ?? []).map((exemplar) => ({
    traceId: hex(exemplar.traceId),
    spanId: hex(exemplar.spanId),
    value: Number(exemplar.asDouble ?? exemplar.asInt ?? 0),
  }));
}

/** Flatten an ExportMetricsServiceRequest (as protobufjs objects or OTLP/JSON) into data points. */
export function flattenOtlpMetricsRequest(request: Json): ReceivedMetricPoint[] {
  const points: ReceivedMetricPoint[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = keyValues(resourceMetrics.resource?.attributes);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scope = { name: scopeMetrics.scope?.name ?? '', version: scopeMetrics.scope?.version ?? '' };
      for (const metric of scopeMetrics.metrics ?? []) {
        const base = { name: metric.name ?? '', unit: metric.unit ?? '', resource, scope };
        for (const point of metric.histogram?.dataPoints ?? []) {
          points.push({
            ...base,
            kind: 'histogram',
            attributes: keyValues(point.attributes),
            count: Number(point.count ?? 0),
            sum: numberOf(point.sum),
            bucketCounts: (point.bucketCounts ?? []).map(Number),
            explicitBounds: (point.explicitBounds ?? []).map(Number),
            exemplars: exemplarsOf(point.exemplars),
          });
        }
        for (const kind of ['sum', 'gauge'] as const) {
          for (const point of metric[kind]?.dataPoints ?? []) {
            points.push({
              ...base,
              kind,
              attributes: keyValues(point.attributes),
              value: Number(point.asDouble ?? point.asInt ?? 0),
              exemplars: exemplarsOf(point.exemplars),
            });
          }
        }
      }
    }
  }
  return points;
}

/** Decode an OTLP/HTTP metrics export body: protobuf, or JSON when the content type says so. */
export function decodeOtlpMetrics(body: Buffer, contentType: string | undefined): ReceivedMetricPoint[] {
  if (contentType?.includes('json')) return flattenOtlpMetricsRequest(JSON.parse(body.toString('utf8')) as Json);
  const message = requestType.decode(body);
  return flattenOtlpMetricsRequest(requestType.toObject(message, { longs: String, bytes: Buffer, defaults: false }));
}
