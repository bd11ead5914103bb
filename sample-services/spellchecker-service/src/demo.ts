/**
 * `npm run demo`: boots the spellchecker with an in-memory span collector, checks three essays
 * (one clean, one with misspellings under a correlation id, one empty) and prints the span tree.
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) set, the spans go to that
 * collector too.
 */
import { startTracing, withCorrelationId } from '@huleedu/nest-tracing';
import { formatSpanTree } from '@huleedu/nest-tracing-testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { EmptyEssayError } from './spellcheck/empty-essay.error.js';
import { SpellcheckService } from './spellcheck/spellcheck.service.js';

const GOOD_ESSAY =
  'The library is a quiet place where students read books and write their essays. ' +
  'Every morning the teacher opens the doors and the children come in to learn.';
const MISSPELLED_ESSAY = 'Teh students wrote thier essays about the enviroment and how we can protect it.';

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const collector = new InMemorySpanExporter();
const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const otlpConfigured = Boolean(otlpEndpoint);
await startTracing({
  serviceName: 'spellchecker-service',
  exporter: [collector, ...(otlpConfigured ? (['otlp'] as const) : [])],
  spanProcessor: 'simple',
});

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['warn', 'error'] });
const spellcheck = app.get(SpellcheckService);

print('nest-tracing demo: spellchecker-service');
print();

const good = await spellcheck.checkEssay('essay-001', GOOD_ESSAY);
print(`essay-001: ${good.wordCount} words, ${good.misspellings.length} misspellings`);

const misspelled = await withCorrelationId('corr-demo-42', () => spellcheck.checkEssay('essay-002', MISSPELLED_ESSAY));
const corrections = misspelled.misspellings.map(({ word, suggestion }) => `${word} -> ${suggestion ?? '?'}`);
print(
  `essay-002: ${misspelled.wordCount} words, ${misspelled.misspellings.length} misspellings (${corrections.join(', ')})`,
);

try {
  await spellcheck.checkEssay('essay-003', '   ');
  print('essay-003: unexpectedly accepted');
  process.exitCode = 1;
} catch (error) {
  if (!(error instanceof EmptyEssayError)) throw error;
  print(`essay-003: rejected as expected (${error.name}: ${error.message})`);
}

// Read the spans before closing: shutting the provider down clears the in-memory exporter.
const spans = collector.getFinishedSpans();
print();
print(`Spans (${spans.length}):`);
print(formatSpanTree(spans));
if (otlpConfigured) print(`\nThe spans were also sent over OTLP to ${otlpEndpoint}.`);

await app.close();
