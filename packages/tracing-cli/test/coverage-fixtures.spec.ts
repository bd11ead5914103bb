import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { analyseCoverage, runCommand } from '@huleedu/nest-tracing-cli';
import type { CoverageReport, EntryPoint, ServiceCoverage } from '@huleedu/nest-tracing-cli';

const PLATFORM = resolve(import.meta.dirname, 'fixtures/platform');

function service(report: CoverageReport, name: string): ServiceCoverage {
  const found = report.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in ${report.services.map((s) => s.name).join(', ')}`);
  return found;
}

/** `name -> reason` of the traced (or untraced) entry points of one kind. */
function entries(of: ServiceCoverage, kind: EntryPoint['kind'], traced: boolean): Record<string, string> {
  return Object.fromEntries(
    of.entryPoints.filter((e) => e.kind === kind && e.traced === traced).map((e) => [e.name, e.reason]),
  );
}

describe('nest-tracing coverage on fixture apps of each tier', () => {
  let report: CoverageReport;

  beforeAll(async () => {
    report = await analyseCoverage([PLATFORM]);
  }, 60_000);

  it('finds the three services, not the shared library or the monorepo root, and assigns the seed tiers', () => {
    expect(report.services.map((s) => [s.name, s.tier, s.tierLabel])).toEqual([
      ['tier1-service', 1, 'full active tracing'],
      ['tier2-service', 2, 'infrastructure only'],
      ['tier3-service', 3, 'no tracing'],
    ]);
  });

  it('tier 1: routes are traced unless @NoTrace (method or controller) or an ignored path, with the global prefix', () => {
    const tier1 = service(report, 'tier1-service');
    expect(tier1.serviceName).toBe('orders-service');
    expect(tier1.initialisation.tracingModule).toEqual([{ file: 'src/app.module.ts', line: 15 }]);
    expect(entries(tier1, 'http-route', true)).toEqual({
      'GET /api/orders/:id': 'SERVER span (TracingModule)',
      'POST /api/orders': 'SERVER span (TracingModule)',
    });
    expect(entries(tier1, 'http-route', false)).toEqual({
      'GET /api/orders/debug': '@NoTrace on the method',
      'GET /api/probes': '@NoTrace on the controller',
      'GET /api/internal/stats': 'ignored path (/api/internal/*)',
    });
  });

  it('tier 1: message handlers need @TraceKafka with @Ctx() or traceMicroservice(); kafkajs loops need traceKafkaHandler()', () => {
    const tier1 = service(report, 'tier1-service');
    expect(entries(tier1, 'message-handler', true)).toEqual({ 'EventPattern(order.created)': '@TraceKafka' });
    expect(entries(tier1, 'message-handler', false)).toEqual({
      'EventPattern(order.cancelled)': 'no @TraceKafka and no traceMicroservice()',
      'MessagePattern(order.quote)':
        '@TraceKafka without a @Ctx() parameter or traceMicroservice(): the handler runs untraced',
    });
    const handler = tier1.entryPoints.find((e) => e.name === 'EventPattern(order.created)');
    expect(handler).toMatchObject({ patterns: ['order.created'], spanName: 'kafka.consume.order_created' });
    expect(entries(tier1, 'kafka-consumer', true)).toEqual({ 'consumer.run(audit.log)': 'traceKafkaHandler()' });
    expect(entries(tier1, 'kafka-consumer', false)).toEqual({
      'consumer.run(metrics.raw)': 'no traceKafkaHandler() and no @TraceKafka',
    });
  });

  it('tier 1: business spans from @Traced (method and class), traceOperation and TraceService, with their span names', () => {
    const tier1 = service(report, 'tier1-service');
    const business = tier1.entryPoints
      .filter((e) => e.kind === 'traced-method' || e.kind === 'trace-operation')
      .map((e) => [e.name, e.spanName, e.traced]);
    expect(business).toEqual([
      ['AuditConsumer.start', 'orders.AuditConsumer.start', true],
      ['OrdersService.find', 'orders.find', true],
      ['PricingService.price', 'orders.PricingService.price', true],
      ['orders.load', 'orders.load', true],
      ['orders.create', 'orders.create', true],
    ]);
    expect(entries(tier1, 'data-source', true)).toEqual({
      'TypeOrmModule.forRoot': '@huleedu/nest-tracing-typeorm (src/app.module.ts:17)',
    });
    expect(entries(tier1, 'provider', false)).toEqual({
      ReportService: 'no business spans in its public methods (daily)',
    });
  });

  it('tier 2: startTracing() without business spans; traceMicroservice() in a shared helper traces the handlers', () => {
    const tier2 = service(report, 'tier2-service');
    expect(tier2.initialisation).toEqual({ startTracing: [{ file: 'src/main.ts', line: 6 }], tracingModule: [] });
    expect(entries(tier2, 'message-handler', true)).toEqual({
      'EventPattern(order.created)': 'traceMicroservice() (../shared-lib/src/index.ts:7)',
    });
    expect(entries(tier2, 'http-route', false)).toEqual({
      'GET /notifications': 'no TracingModule: startTracing() alone makes no SERVER spans',
    });
    expect(tier2.summary).toBe('HTTP routes 0/1, message handlers 1/1, business spans 0, providers without spans 1');
  });

  it('tier 3: nothing is traced and the table says why', () => {
    const tier3 = service(report, 'tier3-service');
    expect(tier3.entryPoints.filter((e) => e.traced)).toEqual([]);
    expect(tier3.summary).toBe('not initialised (HTTP routes 0/1, providers without spans 1)');
  });

  it('--json gives the report object, and --min-tier fails naming each service below it', async () => {
    const { stdout, stderr, exitCode } = await runCommand(['coverage', PLATFORM, '--json', '--min-tier=2']);
    expect(exitCode).toBe(1);
    expect(stderr).toBe('nest-tracing: tier3-service is tier 3 (no tracing), below --min-tier=2\n');
    const parsed = JSON.parse(stdout) as CoverageReport;
    expect(parsed.schemaVersion).toBe(1);
    expect(Object.keys(parsed.services[0]).sort()).toEqual(
      ['directory', 'entryPoints', 'initialisation', 'name', 'serviceName', 'summary', 'tier', 'tierLabel'].sort(),
    );
    expect(parsed.services[0].entryPoints.find((e) => e.name === 'GET /api/orders/:id')).toEqual({
      kind: 'http-route',
      name: 'GET /api/orders/:id',
      location: { file: 'src/orders.controller.ts', line: 9 },
      traced: true,
      reason: 'SERVER span (TracingModule)',
      http: { method: 'GET', route: '/api/orders/:id' },
      spanName: 'GET /api/orders/:id',
    });
  });

  it('usage mistakes exit 2 with what to do', async () => {
    const wrong = await runCommand(['coverage', PLATFORM, '--min-tier=4']);
    expect(wrong).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--min-tier must be 1, 2 or 3') });
    const unknown = await runCommand(['report']);
    expect(unknown).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('Unknown command "report"') });
    const empty = await runCommand(['coverage', resolve(PLATFORM, 'shared-lib')]);
    expect(empty).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('No NestJS service found') });
  });
});
