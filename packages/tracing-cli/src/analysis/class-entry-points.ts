import type { ClassDeclaration, MethodDeclaration, SourceFile } from 'typescript';
import type { EntryPoint } from '../types.js';
import { locationOf } from './analysis-context.js';
import type { AnalysisContext } from './analysis-context.js';
import type { TraceOperationCall } from './collect-facts.js';
import { decoratorsOf, findDecorator } from './decorators.js';
import type { FoundDecorator } from './decorators.js';
import { Modules } from './library-symbols.js';
import { controllerPaths, routeEntryPoints } from './http-routes.js';
import { messageHandlerEntryPoint } from './message-handlers.js';
import { objectLiteralOf, propertyOf, staticString } from './static-values.js';
import type { TracingSettings } from './tracing-settings.js';

/** Nest lifecycle hooks: public, but called by Nest rather than by business code. */
const LIFECYCLE_HOOKS = new Set([
  'onModuleInit',
  'onModuleDestroy',
  'onApplicationBootstrap',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/** The name a `@Traced(...)` decorator gives, or its `name` option. */
function tracedName(context: AnalysisContext, decorator: FoundDecorator | undefined): string | undefined {
  const first = decorator?.arguments?.[0];
  return (
    staticString(context, first) ?? staticString(context, propertyOf(context, objectLiteralOf(context, first), 'name'))
  );
}

function methodName(context: AnalysisContext, method: MethodDeclaration): string | undefined {
  const { ts } = context;
  return ts.isIdentifier(method.name) || ts.isStringLiteral(method.name) ? method.name.text : undefined;
}

function isStatic(context: AnalysisContext, method: MethodDeclaration): boolean {
  const { ts } = context;
  return (ts.getModifiers(method) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
}

function isPublic(context: AnalysisContext, method: MethodDeclaration): boolean {
  const { ts } = context;
  const hidden = (ts.getModifiers(method) ?? []).some(
    (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
  );
  return !hidden && !ts.isPrivateIdentifier(method.name) && !isStatic(context, method);
}

/** The entry points declared by one class: routes, message handlers, traced methods, an untraced provider. */
function classEntryPoints(
  context: AnalysisContext,
  declaration: ClassDeclaration,
  settings: TracingSettings,
  operations: TraceOperationCall[],
): EntryPoint[] {
  const { ts } = context;
  const className = declaration.name?.text ?? '(anonymous class)';
  const classDecorators = decoratorsOf(context, declaration);
  const controller = findDecorator(classDecorators, Modules.NEST_COMMON, 'Controller');
  const classTraced = findDecorator(classDecorators, Modules.CORE, 'Traced');
  const classNoTrace = findDecorator(classDecorators, Modules.CORE, 'NoTrace') !== undefined;
  const basePaths = controller ? controllerPaths(context, controller) : [];
  const entries: EntryPoint[] = [];
  const publicMethods: string[] = [];
  let businessSpans = 0;
  for (const member of declaration.members) {
    if (!ts.isMethodDeclaration(member) || !member.body) continue;
    const name = methodName(context, member);
    if (name === undefined) continue;
    const decorators = decoratorsOf(context, member);
    if (isPublic(context, member) && !LIFECYCLE_HOOKS.has(name)) publicMethods.push(name);
    if (controller) entries.push(...routeEntryPoints(context, member, decorators, basePaths, classNoTrace, settings));
    const handler = messageHandlerEntryPoint(context, member, decorators, settings);
    if (handler) entries.push(handler);
    const traced = findDecorator(decorators, Modules.CORE, 'Traced');
    const noTrace = findDecorator(decorators, Modules.CORE, 'NoTrace') !== undefined;
    const byClass = classTraced !== undefined && !traced && !noTrace && !isStatic(context, member);
    if (!traced && !byClass) continue;
    businessSpans += 1;
    const classPrefix = tracedName(context, classTraced);
    const explicit = tracedName(context, traced);
    const spanName =
      explicit ??
      (classPrefix
        ? `${classPrefix}.${name}`
        : settings.spanNamePrefix
          ? `${settings.spanNamePrefix}.${className}.${name}`
          : `${className}.${name}`);
    entries.push({
      kind: 'traced-method',
      name: `${className}.${name}`,
      location: locationOf(context, member),
      traced: settings.initialised,
      reason: settings.initialised ? (traced ? '@Traced' : '@Traced on the class') : 'tracing is not initialised',
      spanName,
      codeFunction: `${className}.${name}`,
    });
  }
  const inClass = operations.filter(
    (op) =>
      op.node.getSourceFile() === declaration.getSourceFile() &&
      op.node.pos >= declaration.pos &&
      op.node.end <= declaration.end,
  );
  businessSpans += inClass.length;
  const injectable = findDecorator(classDecorators, Modules.NEST_COMMON, 'Injectable');
  if (injectable && !controller && businessSpans === 0 && publicMethods.length > 0) {
    entries.push({
      kind: 'provider',
      name: className,
      location: locationOf(context, declaration),
      traced: false,
      reason: `no business spans in its public methods (${publicMethods.join(', ')})`,
    });
  }
  return entries;
}

/** Entry points of every class of the service's own files, in file order. */
export function classEntryPointsOf(
  context: AnalysisContext,
  files: SourceFile[],
  settings: TracingSettings,
  operations: TraceOperationCall[],
): EntryPoint[] {
  const { ts } = context;
  const entries: EntryPoint[] = [];
  const visit = (node: import('typescript').Node): void => {
    if (ts.isClassDeclaration(node)) entries.push(...classEntryPoints(context, node, settings, operations));
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(file);
  return entries;
}
