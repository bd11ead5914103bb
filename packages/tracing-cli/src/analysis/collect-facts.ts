import type {
  CallExpression,
  Expression,
  Node,
  ObjectLiteralExpression,
  SourceFile,
  Symbol as TsSymbol,
} from 'typescript';
import type { SourceLocation } from '../types.js';
import { locationOf } from './analysis-context.js';
import type { AnalysisContext } from './analysis-context.js';
import { consumerRunOf, handlerTracing, subscriptionOf } from './kafka-consumers.js';
import type { HandlerTracing } from './kafka-consumers.js';
import { Modules, isExport, libraryExportOf, staticMemberOf } from './library-symbols.js';
import { objectLiteralOf, propertyOf, staticString } from './static-values.js';
import { isTraceServiceReceiver } from './trace-service.js';

/** A call that starts tracing, with its options object when written in place. */
export interface InitialisationCall {
  location: SourceLocation;
  options: ObjectLiteralExpression | undefined;
}

/** A `traceOperation()` call of the service's own code. */
export interface TraceOperationCall {
  location: SourceLocation;
  node: CallExpression;
  name: string | undefined;
}

/** A kafkajs consumer loop. */
export interface KafkaConsumerRun extends HandlerTracing {
  location: SourceLocation;
  topics: string[];
}

/** What a service's code (and the helpers it calls in other local packages) does about tracing. */
export interface ServiceFacts {
  bootstraps: SourceLocation[];
  startTracing: InitialisationCall[];
  tracingModule: InitialisationCall[];
  traceMicroservice: SourceLocation[];
  typeormTracing: SourceLocation[];
  dataSources: Array<{ location: SourceLocation; name: string }>;
  globalPrefix: string | undefined;
  consumers: KafkaConsumerRun[];
  traceOperations: TraceOperationCall[];
}

const NEST_BOOTSTRAPS = [
  'NestFactory.create',
  'NestFactory.createMicroservice',
  'NestFactory.createApplicationContext',
];

function receiverSymbol(context: AnalysisContext, receiver: Expression): TsSymbol | undefined {
  const { ts, checker } = context;
  return checker.getSymbolAtLocation(ts.isPropertyAccessExpression(receiver) ? receiver.name : receiver);
}

/**
 * Walks a service's own files, and the declarations they use from other local packages (a shared
 * module, a traced Kafka strategy helper), collecting the calls that decide its tracing. Other
 * services' files and installed packages are not entered.
 */
export function collectFacts(context: AnalysisContext, own: SourceFile[], foreign: ReadonlySet<string>): ServiceFacts {
  const { ts, checker } = context;
  const facts: ServiceFacts = {
    bootstraps: [],
    startTracing: [],
    tracingModule: [],
    traceMicroservice: [],
    typeormTracing: [],
    dataSources: [],
    globalPrefix: undefined,
    consumers: [],
    traceOperations: [],
  };
  const ownFiles = new Set(own.map((file) => file.fileName));
  const subscriptions: Array<{ receiver: TsSymbol | undefined; topics: string[] }> = [];
  const runs: Array<{ receiver: TsSymbol | undefined; run: KafkaConsumerRun }> = [];
  const visited = new Set<Node>();
  const seen = new Set<Node>();
  const queue: Node[] = [...own];

  const follow = (identifier: Node): void => {
    if (!ts.isIdentifier(identifier) || libraryExportOf(context, identifier)) return;
    let symbol = checker.getSymbolAtLocation(identifier);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const declaration of symbol?.declarations ?? []) {
      const file = declaration.getSourceFile();
      const local =
        !file.isDeclarationFile && !file.fileName.includes('/node_modules/') && !ownFiles.has(file.fileName);
      if (local && !foreign.has(file.fileName) && !visited.has(declaration)) queue.push(declaration);
    }
  };

  const onCall = (call: CallExpression, inOwnCode: boolean): void => {
    const callee = call.expression;
    const member = staticMemberOf(context, callee);
    const memberName = member ? `${member.module}:${member.name}` : '';
    const location = locationOf(context, call);
    const options = objectLiteralOf(context, call.arguments[0]);
    if (member?.module === Modules.NEST_CORE && NEST_BOOTSTRAPS.includes(member.name)) {
      if (inOwnCode) facts.bootstraps.push(location);
    } else if (isExport(context, callee, Modules.CORE, 'startTracing')) facts.startTracing.push({ location, options });
    else if (memberName === `${Modules.CORE}:TracingModule.forRoot`) facts.tracingModule.push({ location, options });
    else if (memberName === `${Modules.CORE}:TracingModule.forRootAsync`)
      facts.tracingModule.push({ location, options: undefined });
    else if (isExport(context, callee, Modules.KAFKA, 'traceMicroservice')) facts.traceMicroservice.push(location);
    else if (
      memberName.startsWith(`${Modules.TYPEORM}:TypeOrmTracingModule.forRoot`) ||
      isExport(context, callee, Modules.TYPEORM, 'traceDataSource')
    )
      facts.typeormTracing.push(location);
    else if (memberName.startsWith(`${Modules.NEST_TYPEORM}:TypeOrmModule.forRoot`)) {
      const name = staticString(context, propertyOf(context, options, 'name'));
      facts.dataSources.push({ location, name: name ? `${member!.name} (${name})` : member!.name });
    } else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'setGlobalPrefix') {
      facts.globalPrefix = staticString(context, call.arguments[0]) ?? facts.globalPrefix;
    } else if (inOwnCode && isExport(context, callee, Modules.CORE, 'traceOperation')) {
      facts.traceOperations.push({ location, node: call, name: staticString(context, call.arguments[0]) });
    } else if (
      inOwnCode &&
      ts.isPropertyAccessExpression(callee) &&
      callee.name.text === 'traceOperation' &&
      isTraceServiceReceiver(context, callee.expression)
    ) {
      facts.traceOperations.push({ location, node: call, name: staticString(context, call.arguments[0]) });
    } else if (inOwnCode) {
      const run = consumerRunOf(context, call);
      if (run) {
        const consumer: KafkaConsumerRun = { location, topics: [], ...handlerTracing(context, run.handler) };
        runs.push({ receiver: receiverSymbol(context, run.receiver), run: consumer });
        facts.consumers.push(consumer);
      }
      const subscription = subscriptionOf(context, call);
      if (subscription)
        subscriptions.push({ receiver: receiverSymbol(context, subscription.receiver), topics: subscription.topics });
    }
  };

  while (queue.length > 0) {
    const start = queue.shift()!;
    if (visited.has(start)) continue;
    visited.add(start);
    const inOwnCode = ownFiles.has(start.getSourceFile().fileName);
    const visit = (node: Node): void => {
      // A method is queued alone and again inside its class: each call counts once.
      if (seen.has(node)) return;
      seen.add(node);
      if (ts.isCallExpression(node)) onCall(node, inOwnCode);
      else if (ts.isNewExpression(node) && isExport(context, node.expression, Modules.TYPEORM_LIBRARY, 'DataSource'))
        facts.dataSources.push({ location: locationOf(context, node), name: 'new DataSource()' });
      else if (ts.isIdentifier(node)) follow(node);
      ts.forEachChild(node, visit);
    };
    visit(start);
  }
  for (const { receiver, run } of runs)
    run.topics = subscriptions.filter((s) => receiver && s.receiver === receiver).flatMap((s) => s.topics);
  return facts;
}
