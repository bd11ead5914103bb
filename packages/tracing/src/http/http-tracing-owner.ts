import type { ResolvedHttpOptions } from './resolve-http-options.js';

/** One TracingModule's bid to decide the HTTP tracing of its application. */
export interface HttpTracingClaim {
  /** Its resolved `http` options (`undefined` for `http: false`). */
  readonly options: ResolvedHttpOptions | undefined;
  /** It replaces the provider only (`override`, as `TracingTestingModule` does). */
  readonly override: boolean;
}

const owners = new WeakMap<object, HttpTracingClaim>();

/**
 * Record `claim` for the application `app` (any object unique to it: Nest's `ModulesContainer`).
 * An application holds one HTTP tracing, whatever the number of `TracingModule`s in it: the first
 * module the application configured itself decides it, over one that only replaces the provider
 * (the testing module, in either import order), so tests see the HTTP spans production makes. Every
 * module claims while Nest instantiates the modules, before any mounts its middleware.
 */
export function claimHttpTracing(app: object, claim: HttpTracingClaim): void {
  const current = owners.get(app);
  if (current === undefined || (current.override && !claim.override)) owners.set(app, claim);
}

/** True when `claim` decides the HTTP tracing of `app`. */
export function ownsHttpTracing(app: object, claim: HttpTracingClaim): boolean {
  return owners.get(app) === claim;
}
