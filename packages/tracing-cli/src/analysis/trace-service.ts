import type { Expression } from 'typescript';
import type { AnalysisContext } from './analysis-context.js';
import { Modules, isExport } from './library-symbols.js';

/**
 * True when `receiver` (`this.trace`, `trace`) is declared with the type `TraceService` of
 * `@huleedu/nest-tracing`, as an injected constructor parameter or a property.
 */
export function isTraceServiceReceiver(context: AnalysisContext, receiver: Expression): boolean {
  const { ts, checker } = context;
  const symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(receiver) ? receiver.name : receiver);
  for (const declaration of symbol?.declarations ?? []) {
    if (
      !ts.isParameter(declaration) &&
      !ts.isPropertyDeclaration(declaration) &&
      !ts.isVariableDeclaration(declaration)
    )
      continue;
    const type = declaration.type;
    if (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName))
      if (isExport(context, type.typeName, Modules.CORE, 'TraceService')) return true;
  }
  return false;
}
