import { Injectable, RequestMethod, VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
type VersionValue = string | typeof VERSION_NEUTRAL | Array<string | typeof VERSION_NEUTRAL>;
import { ApplicationConfig, DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { match } from 'path-to-regexp';
import type { MatchFunction } from 'path-to-regexp';
import { NO_TRACE_METADATA } from '../tracing.internal-constants.js';

// Nest's metadata keys, read by value (as `@nestjs/common/constants` defines them).
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const VERSION_METADATA = '__version__';
/** Where `RouterModule` puts a module's path (suffixed with the application's id since Nest 10). */
const MODULE_PATH_METADATA = '__module_path__';

/** A route of the application, as Nest will serve it. */
export interface HttpRoute {
  /** Upper-case method, or `ALL`. */
  method: string;
  /** The template with global prefix and URI version: `/api/v1/essays/:id`. */
  template: string;
  noTrace: boolean;
}

interface CompiledRoute extends HttpRoute {
  matches: MatchFunction<Partial<Record<string, string | string[]>>>;
}

interface RouteTable {
  /** Per upper-case method (or `ALL`), in declaration order. */
  routes: Map<string, CompiledRoute[]>;
  /** Per method, per static template: the route `find` answers for exactly that path. */
  exact: Map<string, Map<string, HttpRoute>>;
}

function firstMatch(routes: CompiledRoute[] | undefined, path: string): CompiledRoute | undefined {
  if (routes) for (const route of routes) if (route.matches(path)) return route;
  return undefined;
}

function joinPath(...segments: string[]): string {
  const joined = `/${segments.filter((segment) => segment !== '').join('/')}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function asList<T>(value: T | T[] | undefined, fallback: T): T[] {
  if (value === undefined) return [fallback];
  return Array.isArray(value) ? value : [value];
}

/**
 * The application's HTTP routes, read once from Nest's own metadata (controller and method paths,
 * global prefix and its exclusions, URI versioning, `@NoTrace()`), and matched with Nest's own
 * matcher (`path-to-regexp`). This is what lets a SERVER span be named `GET /essays/:id`, and be
 * left out for `@NoTrace()` routes, before the request reaches the route, so sampling rules and
 * guards see the final span. `RouterModule` paths are read from the controller's module, as
 * Nest's own route resolver reads them: `/{prefix}/{version}/{module path}/{controller}/{route}`.
 */
@Injectable()
export class HttpRouteTable {
  private table: RouteTable | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly config: ApplicationConfig,
    private readonly modules: ModulesContainer,
  ) {}

  /** The `RouterModule` path of the module that declares a controller, if it has one. */
  private modulePath(module: Function | undefined): string {
    if (!module) return '';
    const path: unknown =
      Reflect.getMetadata(MODULE_PATH_METADATA + this.modules.applicationId, module) ??
      Reflect.getMetadata(MODULE_PATH_METADATA, module);
    return typeof path === 'string' ? path : '';
  }

  /** The route serving `method` and `path` (no query), or undefined. */
  find(method: string, path: string): HttpRoute | undefined {
    const table = (this.table ??= this.build());
    return table.exact.get(method)?.get(path) ?? this.search(table.routes, method, path);
  }

  /** In declaration order, as the framework matches: the method's routes, GET's for HEAD, then `ALL`. */
  private search(routes: Map<string, CompiledRoute[]>, method: string, path: string): HttpRoute | undefined {
    // HEAD is answered by GET routes, in Express and Fastify alike
    return (
      firstMatch(routes.get(method), path) ??
      (method === 'HEAD' ? firstMatch(routes.get('GET'), path) : undefined) ??
      firstMatch(routes.get('ALL'), path)
    );
  }

  /**
   * The compiled routes, and what `search` answers for each static template (no parameters or
   * wildcards) asked exactly, for every method: most requests are found by two map lookups.
   */
  private build(): RouteTable {
    const routes = new Map<string, CompiledRoute[]>();
    for (const route of this.collect()) {
      const compiled: CompiledRoute = { ...route, matches: match(route.template, { decode: false }) };
      routes.set(route.method, [...(routes.get(route.method) ?? []), compiled]);
    }
    const exact = new Map<string, Map<string, HttpRoute>>();
    const statics = [...routes.values()].flat().filter((route) => !/[:*{}()?+\\]/.test(route.template));
    for (const method of new Set([...routes.keys(), 'HEAD'])) {
      if (method === 'ALL') continue;
      const answers = new Map<string, HttpRoute>();
      for (const { template } of statics) {
        const found = this.search(routes, method, template);
        if (found) answers.set(template, found);
      }
      exact.set(method, answers);
    }
    return { routes, exact };
  }

  private *collect(): Generator<HttpRoute> {
    const prefix = this.config.getGlobalPrefix();
    const excluded = this.config.getGlobalPrefixOptions().exclude ?? [];
    const versioning = this.config.getVersioning();
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Function | undefined;
      if (!controller?.prototype) continue;
      const controllerPaths = asList<string>(Reflect.getMetadata(PATH_METADATA, controller), '/');
      const controllerVersion = Reflect.getMetadata(VERSION_METADATA, controller) as VersionValue | undefined;
      const controllerNoTrace = Reflect.getMetadata(NO_TRACE_METADATA, controller) === true;
      const modulePath = this.modulePath(wrapper.host?.metatype as Function | undefined);
      for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as Function;
        const routePaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (routePaths === undefined) continue;
        const requestMethod =
          (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) ?? RequestMethod.GET;
        const method = RequestMethod[requestMethod] ?? 'ALL';
        const noTrace = controllerNoTrace || Reflect.getMetadata(NO_TRACE_METADATA, handler) === true;
        const version =
          (Reflect.getMetadata(VERSION_METADATA, handler) as VersionValue | undefined) ?? controllerVersion;
        for (const versionSegment of this.versionSegments(version ?? versioning?.defaultVersion, versioning)) {
          for (const controllerPath of controllerPaths) {
            for (const routePath of asList(routePaths, '/')) {
              const unprefixed = joinPath(versionSegment, modulePath, controllerPath, routePath);
              const skipPrefix = excluded.some((exclusion) => exclusion.pathRegex.test(unprefixed));
              yield { method, template: joinPath(skipPrefix ? '' : prefix, unprefixed), noTrace };
            }
          }
        }
      }
    }
  }

  private versionSegments(
    version: VersionValue | undefined,
    versioning: ReturnType<ApplicationConfig['getVersioning']>,
  ): string[] {
    if (versioning?.type !== VersioningType.URI || version === undefined) return [''];
    const uriPrefix = versioning.prefix === false ? '' : (versioning.prefix ?? 'v');
    return asList(version, VERSION_NEUTRAL).map((value) =>
      value === VERSION_NEUTRAL ? '' : `${uriPrefix}${String(value)}`,
    );
  }
}
