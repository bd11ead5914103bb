/** The kinds of cockatiel policy this package recognises. */
export type PolicyKind = 'circuit_breaker' | 'retry' | 'timeout' | 'bulkhead' | 'fallback' | 'noop' | 'policy';

/** One policy of a (possibly `wrap`-ed) cockatiel policy, outermost first. */
export interface PolicyNode {
  readonly kind: PolicyKind;
  readonly policy: Record<string, any>;
}

type Listen = (listener: (value: any) => void) => unknown;

/** True when `policy[key]` is a cockatiel `Event` (a function taking a listener). */
export function hasEvent(policy: Record<string, any>, key: string): boolean {
  return typeof policy[key] === 'function';
}

/** Subscribe to a cockatiel `Event`. */
export function listen(policy: Record<string, any>, key: string, listener: (value: any) => void): void {
  (policy[key] as Listen)(listener);
}

/**
 * Recognise a policy by its events, the public surface that is the same in cockatiel 3 and 4
 * (so no runtime import of cockatiel, which stays an optional peer).
 */
function kindOf(policy: Record<string, any>): PolicyKind {
  if (hasEvent(policy, 'onBreak') && hasEvent(policy, 'onHalfOpen')) return 'circuit_breaker';
  if (hasEvent(policy, 'onRetry') && hasEvent(policy, 'onGiveUp')) return 'retry';
  if (hasEvent(policy, 'onTimeout')) return 'timeout';
  if (hasEvent(policy, 'onReject')) return 'bulkhead';
  const className = (policy.constructor as { name?: string } | undefined)?.name;
  if (className === 'FallbackPolicy') return 'fallback';
  if (className === 'NoopPolicy') return 'noop';
  return 'policy';
}

/** The policies inside `policy`, outermost first: `wrap(a, b)` lists `a`'s then `b`'s. */
export function policyTree(policy: Record<string, any>): PolicyNode[] {
  const wrapped: unknown = policy.wrapped;
  if (Array.isArray(wrapped)) return wrapped.flatMap((inner: Record<string, any>) => policyTree(inner));
  return [{ kind: kindOf(policy), policy }];
}
