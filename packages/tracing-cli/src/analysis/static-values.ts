import type { Expression, ObjectLiteralExpression } from 'typescript';
import type { AnalysisContext } from './analysis-context.js';

/**
 * A string the code fixes at compile time: a literal, a `const`, an enum member, a property of an
 * `as const` object, read through the checker's literal types (never by matching source text).
 */
export function staticString(context: AnalysisContext, expression: Expression | undefined): string | undefined {
  if (!expression) return undefined;
  const { ts, checker } = context;
  if (ts.isStringLiteralLike(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) {
    const constant = checker.getConstantValue(expression);
    if (typeof constant === 'string') return constant;
  }
  const type = checker.getTypeAtLocation(expression);
  return type.isStringLiteral() ? type.value : undefined;
}

/** Strings of a literal or a list of literals (`'a'` or `['a', 'b']`); undefined when not static. */
export function staticStrings(context: AnalysisContext, expression: Expression | undefined): string[] | undefined {
  if (!expression) return undefined;
  const { ts } = context;
  if (ts.isArrayLiteralExpression(expression)) {
    const values = expression.elements.map((element) => staticString(context, element));
    return values.every((value): value is string => value !== undefined) ? values : undefined;
  }
  const single = staticString(context, expression);
  return single === undefined ? undefined : [single];
}

/** The object literal an expression is, or a `const` it names is initialised with. */
export function objectLiteralOf(
  context: AnalysisContext,
  expression: Expression | undefined,
): ObjectLiteralExpression | undefined {
  if (!expression) return undefined;
  const { ts, checker } = context;
  if (ts.isObjectLiteralExpression(expression)) return expression;
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression))
    return objectLiteralOf(context, expression.expression);
  if (ts.isIdentifier(expression)) {
    const declaration = checker.getSymbolAtLocation(expression)?.valueDeclaration;
    if (declaration && ts.isVariableDeclaration(declaration)) return objectLiteralOf(context, declaration.initializer);
  }
  return undefined;
}

/** The value of property `name` of an object literal, if it is written there. */
export function propertyOf(
  context: AnalysisContext,
  object: ObjectLiteralExpression | undefined,
  name: string,
): Expression | undefined {
  const { ts } = context;
  for (const property of object?.properties ?? []) {
    const key =
      property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
        ? property.name.text
        : undefined;
    if (key !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}
