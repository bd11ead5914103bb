import { context, createContextKey, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';

/**
 * One `transaction(callback)` call's link between TypeORM's transaction-start event (where the
 * subscriber starts the transaction span) and the callback (which should run with that span
 * active). TypeORM gives no hook around the callback, so `traceTransactionCalls` wraps the call.
 */
interface TransactionScope {
  /** The span the subscriber started for this call's transaction (none if it made none). */
  span: Span | undefined;
  /** The callback has started: a later transaction start in this context is not this call's. */
  entered: boolean;
}

const SCOPE_KEY = createContextKey('@huleedu/nest-tracing-typeorm transaction scope');
/** Set inside a traced callback: the transaction span whose callback the code runs in. */
const INSIDE_KEY = createContextKey('@huleedu/nest-tracing-typeorm inside transaction');

/** Give `span` to the `transaction()` call whose context `ctx` is, if that call has none yet. */
export function claimTransactionScope(ctx: Context, span: Span): void {
  const scope = ctx.getValue(SCOPE_KEY) as TransactionScope | undefined;
  if (scope !== undefined && scope.span === undefined && !scope.entered) scope.span = span;
}

/**
 * The parent of work on a query runner whose open transaction is `transaction`: the active context
 * when the code runs inside that transaction's callback (the transaction span or a span under it,
 * such as a `@Traced()` method the callback calls), else the transaction span itself (`START
 * TRANSACTION`, `COMMIT`, or a query runner driven by hand).
 */
export function parentInTransaction(active: Context, transaction: Span): Context {
  return active.getValue(INSIDE_KEY) === transaction ? active : trace.setSpan(active, transaction);
}

type TransactionCall = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/**
 * `EntityManager.transaction` wrapped so that its callback runs with the transaction span active:
 * spans the callback's code starts are the transaction's children. Same arguments, `this`, result
 * and errors as the original; when no span was made the callback runs as it would untraced. The
 * manager the callback receives goes through `traceManager` first.
 */
export function traceTransactionCalls(
  original: TransactionCall,
  traceManager: (manager: EntityManager) => void,
): TransactionCall {
  return function tracedTransaction(this: unknown, ...args: unknown[]): Promise<unknown> {
    const index = typeof args[0] === 'function' ? 0 : typeof args[1] === 'function' ? 1 : -1;
    if (index < 0) return original.apply(this, args);
    const callback = args[index] as (this: unknown, ...callbackArgs: unknown[]) => unknown;
    const scope: TransactionScope = { span: undefined, entered: false };
    const traced = [...args];
    traced[index] = function runInTransaction(this: unknown, ...callbackArgs: unknown[]): unknown {
      scope.entered = true;
      try {
        // the transaction's own manager, so that a nested transaction() call is traced too
        traceManager(callbackArgs[0] as EntityManager);
      } catch {
        // telemetry never breaks a transaction
      }
      const { span } = scope;
      if (span === undefined) return callback.apply(this, callbackArgs);
      const inside = trace.setSpan(context.active(), span).setValue(INSIDE_KEY, span);
      return context.with(inside, () => callback.apply(this, callbackArgs));
    };
    return context.with(context.active().setValue(SCOPE_KEY, scope), () => original.apply(this, traced));
  };
}
