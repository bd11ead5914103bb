import { relative, resolve } from 'node:path';
import type { Node, SourceFile } from 'typescript';
import { TIER_LABELS, summarise, tierOf } from '../report/summarise.js';
import type { EntryPoint, EntryPointKind, ServiceCoverage } from '../types.js';
import type { AnalysisContext } from './analysis-context.js';
import { classEntryPointsOf } from './class-entry-points.js';
import { collectFacts } from './collect-facts.js';
import type { ServiceFacts } from './collect-facts.js';
import { createProgram } from './create-program.js';
import { discoverPackages } from './discover-packages.js';
import type { PackageFolder } from './discover-packages.js';
import { Modules, staticMemberOf } from './library-symbols.js';
import type { TypeScript } from './load-typescript.js';
import { tracingSettings } from './tracing-settings.js';
import type { TracingSettings } from './tracing-settings.js';

const KIND_ORDER: EntryPointKind[] = [
  'http-route',
  'message-handler',
  'kafka-consumer',
  'traced-method',
  'trace-operation',
  'data-source',
  'provider',
];

/** True when the files call `NestFactory.create*`: the folder is an application, not a library. */
function bootsNest(context: AnalysisContext, files: SourceFile[]): boolean {
  const { ts } = context;
  let found = false;
  const visit = (node: Node): void => {
    if (found) return;
    if (ts.isCallExpression(node)) {
      const member = staticMemberOf(context, node.expression);
      if (member?.module === Modules.NEST_CORE && member.name.startsWith('NestFactory.create')) found = true;
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(file);
  return found;
}

function factEntryPoints(facts: ServiceFacts, settings: TracingSettings): EntryPoint[] {
  const notInitialised = 'tracing is not initialised';
  const entries: EntryPoint[] = [];
  for (const operation of facts.traceOperations) {
    entries.push({
      kind: 'trace-operation',
      name: operation.name ?? `traceOperation(${operation.node.arguments[0]?.getText() ?? ''})`,
      location: operation.location,
      traced: settings.initialised,
      reason: settings.initialised ? 'traceOperation()' : notInitialised,
      ...(operation.name ? { spanName: operation.name } : {}),
    });
  }
  for (const consumer of facts.consumers) {
    entries.push({
      kind: 'kafka-consumer',
      name: `consumer.run(${consumer.topics.join(', ') || 'topics not static'})`,
      location: consumer.location,
      traced: settings.initialised && consumer.traced,
      reason: settings.initialised ? consumer.reason : notInitialised,
      ...(consumer.topics.length > 0 ? { patterns: consumer.topics } : {}),
    });
  }
  const typeorm = facts.typeormTracing[0];
  if (typeorm && facts.dataSources.length === 0 && settings.initialised) {
    entries.push({
      kind: 'data-source',
      name: 'TypeORM data sources (none seen statically)',
      location: typeorm,
      traced: true,
      reason: '@huleedu/nest-tracing-typeorm traces every data source of the application',
    });
  }
  for (const source of facts.dataSources) {
    entries.push({
      kind: 'data-source',
      name: source.name,
      location: source.location,
      traced: settings.initialised && typeorm !== undefined,
      reason: !settings.initialised
        ? notInitialised
        : typeorm
          ? `@huleedu/nest-tracing-typeorm (${typeorm.file}:${typeorm.line})`
          : 'no TypeOrmTracingModule and no traceDataSource()',
    });
  }
  return entries;
}

function analyseService(context: AnalysisContext, folder: PackageFolder, foreign: Set<string>): ServiceCoverage {
  const files = folder.files.map((file) => context.program.getSourceFile(file)).filter((f): f is SourceFile => !!f);
  const serviceContext = { ...context, root: folder.directory };
  const facts = collectFacts(serviceContext, files, foreign);
  const settings = tracingSettings(serviceContext, facts);
  const entryPoints = [
    ...classEntryPointsOf(serviceContext, files, settings, facts.traceOperations),
    ...factEntryPoints(facts, settings),
  ].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const tier = tierOf(settings.initialised, entryPoints);
  return {
    name: folder.name,
    directory: relative(process.cwd(), folder.directory) || '.',
    ...(settings.serviceName ? { serviceName: settings.serviceName } : {}),
    tier,
    tierLabel: TIER_LABELS[tier],
    initialisation: {
      startTracing: facts.startTracing.map((call) => call.location),
      tracingModule: facts.tracingModule.map((call) => call.location),
    },
    summary: summarise(settings.initialised, entryPoints),
    entryPoints,
  };
}

/**
 * The services under `path` (folders with a package.json, or the folder itself, whose code boots
 * Nest with `NestFactory.create*`) and their static tracing coverage.
 */
export function analysePath(ts: TypeScript, path: string): ServiceCoverage[] {
  const root = resolve(path);
  const packages = discoverPackages(root);
  const program = createProgram(ts, root, packages);
  const context: AnalysisContext = { ts, program, checker: program.getTypeChecker(), root };
  const services = packages.filter((folder) =>
    bootsNest(
      context,
      folder.files.map((file) => program.getSourceFile(file)).filter((f): f is SourceFile => !!f),
    ),
  );
  const serviceFiles = new Set(services.flatMap((folder) => folder.files));
  return services
    .map((folder) => {
      const foreign = new Set([...serviceFiles].filter((file) => !folder.files.includes(file)));
      return analyseService(context, folder, foreign);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
