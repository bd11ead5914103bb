import type { MethodDeclaration } from 'typescript';
import type { EntryPoint } from '../types.js';
import { locationOf } from './analysis-context.js';
import type { AnalysisContext } from './analysis-context.js';
import type { FoundDecorator } from './decorators.js';
import { Modules } from './library-symbols.js';
import { objectLiteralOf, propertyOf, staticStrings } from './static-values.js';
import type { TracingSettings } from './tracing-settings.js';

/** Nest's route decorators and the method each serves. */
const ROUTE_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Delete: 'DELETE',
  Patch: 'PATCH',
  Options: 'OPTIONS',
  Head: 'HEAD',
  Search: 'SEARCH',
  All: 'ALL',
};

/** Joins path segments as Nest does: one leading slash, no doubled or trailing slashes. */
export function joinPath(...segments: string[]): string {
  const parts = segments.flatMap((segment) => segment.split('/')).filter((part) => part !== '');
  return `/${parts.join('/')}`;
}

/** `@Controller('essays')`, `@Controller(['a', 'b'])`, `@Controller({ path })`: its paths ('' for none). */
export function controllerPaths(context: AnalysisContext, controller: FoundDecorator): string[] {
  const argument = controller.arguments?.[0];
  if (!argument) return [''];
  const object = objectLiteralOf(context, argument);
  const paths = object ? staticStrings(context, propertyOf(context, object, 'path')) : staticStrings(context, argument);
  return paths ?? (object && !propertyOf(context, object, 'path') ? [''] : ['{dynamic}']);
}

/**
 * The routes a controller method serves. A route gets a SERVER span when the service has a
 * `TracingModule` (with `http` not `false`), neither the method nor the controller has `@NoTrace()`,
 * and its path is not an ignored path.
 */
export function routeEntryPoints(
  context: AnalysisContext,
  method: MethodDeclaration,
  decorators: FoundDecorator[],
  basePaths: string[],
  controllerNoTrace: boolean,
  settings: TracingSettings,
): EntryPoint[] {
  const route = decorators.find((d) => d.module === Modules.NEST_COMMON && Object.hasOwn(ROUTE_DECORATORS, d.name));
  if (!route) return [];
  const httpMethod = ROUTE_DECORATORS[route.name];
  const methodPaths = route.arguments?.[0] ? (staticStrings(context, route.arguments[0]) ?? ['{dynamic}']) : [''];
  const methodNoTrace = decorators.some((d) => d.module === Modules.CORE && d.name === 'NoTrace');
  const entries: EntryPoint[] = [];
  for (const base of basePaths) {
    for (const path of methodPaths) {
      const template = joinPath(settings.globalPrefix ?? '', base, path);
      const ignoredBy = settings.ignoredBy(template);
      let traced = false;
      let reason = settings.http.reason;
      if (!settings.http.on) reason = settings.http.reason;
      else if (methodNoTrace) reason = '@NoTrace on the method';
      else if (controllerNoTrace) reason = '@NoTrace on the controller';
      else if (ignoredBy) reason = `ignored path (${ignoredBy})`;
      else traced = true;
      entries.push({
        kind: 'http-route',
        name: `${httpMethod} ${template}`,
        location: locationOf(context, method),
        traced,
        reason,
        http: { method: httpMethod, route: template },
        spanName: `${httpMethod} ${template}`,
      });
    }
  }
  return entries;
}
