import type { CallExpression, Expression, Node } from 'typescript';
import type { AnalysisContext } from './analysis-context.js';
import { decoratorsOf, findDecorator } from './decorators.js';
import { Modules, isExport } from './library-symbols.js';
import { objectLiteralOf, propertyOf, staticStrings } from './static-values.js';

/** How a kafkajs `eachMessage`/`eachBatch` function is traced, if it is. */
export interface HandlerTracing {
  traced: boolean;
  reason: string;
}

const NOT_TRACED: HandlerTracing = { traced: false, reason: 'no traceKafkaHandler() and no @TraceKafka' };

/** True for a method or property declared with `@TraceKafka()` or `@TraceMessage()`. */
function hasTraceKafka(context: AnalysisContext, declaration: Node): boolean {
  return findDecorator(decoratorsOf(context, declaration), Modules.KAFKA, 'TraceKafka', 'TraceMessage') !== undefined;
}

function tracingOfReference(context: AnalysisContext, expression: Expression, depth: number): HandlerTracing {
  const { ts, checker } = context;
  let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(expression) ? expression.name : expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  if (!declaration) return NOT_TRACED;
  if (hasTraceKafka(context, declaration)) return { traced: true, reason: '@TraceKafka on the handler method' };
  if ((ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer)
    return handlerTracing(context, declaration.initializer, depth + 1);
  return NOT_TRACED;
}

/**
 * Whether a kafkajs handler function makes a CONSUMER span: wrapped by `traceKafkaHandler()`
 * (directly or through a constant), a `@TraceKafka()` method (also bound), or a function that
 * calls one.
 */
export function handlerTracing(context: AnalysisContext, expression: Expression, depth = 0): HandlerTracing {
  const { ts } = context;
  if (depth > 4) return NOT_TRACED;
  if (ts.isParenthesizedExpression(expression)) return handlerTracing(context, expression.expression, depth + 1);
  if (ts.isCallExpression(expression)) {
    if (isExport(context, expression.expression, Modules.KAFKA, 'traceKafkaHandler'))
      return { traced: true, reason: 'traceKafkaHandler()' };
    const callee = expression.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind')
      return handlerTracing(context, callee.expression, depth + 1);
    return NOT_TRACED;
  }
  if (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression))
    return tracingOfReference(context, expression, depth);
  if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
    let found: HandlerTracing = NOT_TRACED;
    const visit = (node: Node): void => {
      if (found.traced) return;
      if (ts.isCallExpression(node)) {
        const inner = handlerTracing(context, node.expression, depth + 1);
        if (inner.traced) found = { traced: true, reason: `calls a traced handler (${inner.reason})` };
      }
      ts.forEachChild(node, visit);
    };
    visit(expression.body);
    return found;
  }
  return NOT_TRACED;
}

/** A kafkajs `consumer.run({ eachMessage | eachBatch })` call: its handler and receiver. */
export function consumerRunOf(
  context: AnalysisContext,
  call: CallExpression,
): { handler: Expression; receiver: Expression } | undefined {
  const { ts } = context;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'run') return undefined;
  const options = objectLiteralOf(context, call.arguments[0]);
  const handler = propertyOf(context, options, 'eachMessage') ?? propertyOf(context, options, 'eachBatch');
  return handler ? { handler, receiver: callee.expression } : undefined;
}

/** The topics of a `consumer.subscribe({ topic | topics })` call, with its receiver. */
export function subscriptionOf(
  context: AnalysisContext,
  call: CallExpression,
): { receiver: Expression; topics: string[] } | undefined {
  const { ts } = context;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'subscribe') return undefined;
  const options = objectLiteralOf(context, call.arguments[0]);
  const topics = staticStrings(
    context,
    propertyOf(context, options, 'topics') ?? propertyOf(context, options, 'topic'),
  );
  return topics ? { receiver: callee.expression, topics } : undefined;
}
