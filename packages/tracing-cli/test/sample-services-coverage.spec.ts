import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { analyseCoverage } from '@huleedu/nest-tracing-cli';

/** The seed's success metric, kept by CI: every sample service initialises tracing and makes business spans. */
describe('nest-tracing coverage on the ten sample services', () => {
  it('puts all ten in tier 1 (full active tracing)', async () => {
    const report = await analyseCoverage([resolve(import.meta.dirname, '../../../sample-services')]);
    expect(report.services.map((service) => [service.name, service.tier])).toEqual([
      ['api-gateway', 1],
      ['batch-orchestrator-service', 1],
      ['cj-assessment-service', 1],
      ['class-management-service', 1],
      ['content-service', 1],
      ['essay-lifecycle-service', 1],
      ['file-service', 1],
      ['llm-provider-service', 1],
      ['result-aggregator-service', 1],
      ['spellchecker-service', 1],
    ]);
    const handlers = report.services.flatMap((s) => s.entryPoints.filter((e) => e.kind === 'message-handler'));
    expect(handlers.filter((handler) => !handler.traced)).toEqual([]);
  }, 120_000);
});
