import type { Decorator, Expression, Node, NodeArray } from 'typescript';
import type { AnalysisContext } from './analysis-context.js';
import { libraryExportOf } from './library-symbols.js';

/** A decorator of a recognised package on a class or member, with its call's arguments. */
export interface FoundDecorator {
  module: string;
  name: string;
  arguments: NodeArray<Expression> | undefined;
  node: Decorator;
}

/** The recognised decorators on a node (`@Get(':id')`, `@NoTrace()`, `@Traced`). */
export function decoratorsOf(context: AnalysisContext, node: Node): FoundDecorator[] {
  const { ts } = context;
  if (!ts.canHaveDecorators(node)) return [];
  const found: FoundDecorator[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
    const exported = libraryExportOf(context, call ? call.expression : decorator.expression);
    if (exported) found.push({ ...exported, arguments: call?.arguments, node: decorator });
  }
  return found;
}

/** The first decorator of `module` among `names`, if any. */
export function findDecorator(
  decorators: FoundDecorator[],
  module: string,
  ...names: string[]
): FoundDecorator | undefined {
  return decorators.find((decorator) => decorator.module === module && names.includes(decorator.name));
}
