import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = resolve(ROOT, 'packages/tracing-cli/dist/cli.js');
const PLATFORM = resolve(import.meta.dirname, 'fixtures/platform');

/** Runs the built `nest-tracing` bin as a process; resolves with its output and exit code. */
async function nestTracing(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 16 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('the nest-tracing bin', () => {
  const folder = mkdtempSync(join(tmpdir(), 'nest-tracing-coverage-'));

  beforeAll(async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-b', 'packages/tracing-cli'], { cwd: ROOT });
  }, 120_000);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('exits 1 below --min-tier, naming the service, and 0 when every service is at or above it', async () => {
    const below = await nestTracing('coverage', PLATFORM, '--min-tier=1');
    expect(below.code).toBe(1);
    expect(below.stderr).toContain('nest-tracing: tier2-service is tier 2 (infrastructure only), below --min-tier=1');
    expect(below.stderr).toContain('nest-tracing: tier3-service is tier 3 (no tracing), below --min-tier=1');
    expect(below.stdout).toMatch(/^tier1-service\s+1 full active tracing\s+HTTP routes 2\/5, /m);
  }, 60_000);

  it("--spans joins a test run's spans with the static entry points", async () => {
    const spansFile = join(folder, 'spans.jsonl');
    const lines = [
      {
        name: 'GET /api/orders/:id',
        kind: 'SERVER',
        service: 'orders-service',
        attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders/:id' },
      },
      {
        name: 'kafka.consume.order_created',
        kind: 'CONSUMER',
        service: 'orders-service',
        attributes: { 'messaging.destination.name': 'order.created' },
      },
      {
        name: 'orders.find',
        kind: 'INTERNAL',
        service: 'orders-service',
        attributes: { 'code.function.name': 'OrdersService.find' },
      },
      { name: 'orders.load', kind: 'INTERNAL', service: 'test-service', attributes: {} },
      // another service's span: not the orders service's handler
      {
        name: 'kafka.consume.order_created',
        kind: 'CONSUMER',
        service: 'notifications-service',
        attributes: { 'messaging.destination.name': 'order.created' },
      },
    ];
    writeFileSync(spansFile, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const { stdout, code } = await nestTracing('coverage', PLATFORM, '--spans', spansFile, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as import('@huleedu/nest-tracing-cli').CoverageReport;
    expect(report.runtime).toEqual({ spansFile, spans: 5 });
    const tier1 = report.services.find((s) => s.name === 'tier1-service')!;
    const covered = tier1.entryPoints.filter((e) => e.runtime?.covered).map((e) => [e.name, e.runtime!.spans]);
    expect(covered).toEqual([
      ['GET /api/orders/:id', 1],
      ['EventPattern(order.created)', 1],
      ['OrdersService.find', 1],
      ['orders.load', 1],
    ]);
    expect(tier1.entryPoints.find((e) => e.name === 'POST /api/orders')!.runtime).toEqual({ covered: false, spans: 0 });
    expect(tier1.summary).toContain('seen at run time 4/10');
    const tier2 = report.services.find((s) => s.name === 'tier2-service')!;
    expect(tier2.entryPoints.find((e) => e.kind === 'message-handler')!.runtime).toEqual({ covered: true, spans: 1 });
  }, 60_000);
});
