import type { Expression, Node, Symbol as TsSymbol } from 'typescript';
import type { AnalysisContext } from './analysis-context.js';

/** The packages whose exports the analysis recognises, by module specifier. */
export const Modules = {
  CORE: '@huleedu/nest-tracing',
  KAFKA: '@huleedu/nest-tracing-kafka',
  TYPEORM: '@huleedu/nest-tracing-typeorm',
  NEST_COMMON: '@nestjs/common',
  NEST_CORE: '@nestjs/core',
  NEST_MICROSERVICES: '@nestjs/microservices',
  NEST_TYPEORM: '@nestjs/typeorm',
  TYPEORM_LIBRARY: 'typeorm',
} as const;

const KNOWN_MODULES = new Set<string>(Object.values(Modules));

/** An export of a recognised package: `{ module: '@huleedu/nest-tracing', name: 'Traced' }`. */
export interface LibraryExport {
  module: string;
  name: string;
}

function moduleSpecifierOf(context: AnalysisContext, declaration: Node): string | undefined {
  const { ts } = context;
  let node: Node | undefined = declaration;
  while (node && !ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) node = node.parent;
  const specifier =
    node && (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) ? node.moduleSpecifier : undefined;
  return specifier && ts.isStringLiteral(specifier) ? specifier.text : undefined;
}

/**
 * Which recognised export a symbol stands for, following the import and re-export chain
 * (`import { Traced } from '@huleedu/nest-tracing'`, an own barrel that re-exports it, a renamed
 * import). Decided by the import declarations, so it works whether or not the package is installed
 * where the analysis runs.
 */
function exportOfSymbol(context: AnalysisContext, start: TsSymbol | undefined): LibraryExport | undefined {
  const { ts, checker } = context;
  let symbol = start;
  for (let step = 0; symbol && step < 16; step += 1) {
    for (const declaration of symbol.declarations ?? []) {
      const module = moduleSpecifierOf(context, declaration);
      if (module === undefined || !KNOWN_MODULES.has(module)) continue;
      if (ts.isImportSpecifier(declaration) || ts.isExportSpecifier(declaration))
        return { module, name: (declaration.propertyName ?? declaration.name).text };
      if (ts.isNamespaceImport(declaration)) return { module, name: '*' };
    }
    if (!(symbol.flags & ts.SymbolFlags.Alias)) return undefined;
    const next = checker.getImmediateAliasedSymbol(symbol);
    if (next === symbol) return undefined;
    symbol = next;
  }
  return undefined;
}

/** The recognised export an expression names: `Traced`, `nestTracing.Traced`, or undefined. */
export function libraryExportOf(context: AnalysisContext, expression: Expression): LibraryExport | undefined {
  const { ts, checker } = context;
  if (ts.isIdentifier(expression)) return exportOfSymbol(context, checker.getSymbolAtLocation(expression));
  if (ts.isPropertyAccessExpression(expression)) {
    const namespace = libraryExportOf(context, expression.expression);
    if (namespace?.name === '*') return { module: namespace.module, name: expression.name.text };
  }
  if (ts.isParenthesizedExpression(expression)) return libraryExportOf(context, expression.expression);
  return undefined;
}

/** True when `expression` names export `name` of `module`. */
export function isExport(context: AnalysisContext, expression: Expression, module: string, name: string): boolean {
  const found = libraryExportOf(context, expression);
  return found?.module === module && found.name === name;
}

/**
 * For `Owner.member(...)`: the recognised export `Owner` names and the member, as
 * `{ module, name: 'TracingModule.forRoot' }`.
 */
export function staticMemberOf(context: AnalysisContext, callee: Expression): LibraryExport | undefined {
  const { ts } = context;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const owner = libraryExportOf(context, callee.expression);
  return owner && owner.name !== '*' ? { module: owner.module, name: `${owner.name}.${callee.name.text}` } : undefined;
}
