import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { Variant } from './interleaved-runner.js';

/**
 * A batch of `n` calls, optionally inside `parent` (entered once per batch, so its cost is not
 * counted per call). All variants share these loops, so each pays the same (non-inlined) call.
 */
function syncVariant(id: string, label: string, call: (x: number) => number, parent?: Context): Variant {
  const loop = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = (sum + call(i)) | 0;
    return sum;
  };
  return {
    id: `sync.${id}`,
    label: `sync  ${label}`,
    run: parent ? (n) => context.with(parent, loop, undefined, n) : loop,
  };
}

function asyncVariant(id: string, label: string, call: (x: number) => Promise<number>, parent?: Context): Variant {
  const loop = async (n: number): Promise<number> => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = (sum + (await call(i))) | 0;
    return sum;
  };
  return {
    id: `async.${id}`,
    label: `async ${label}`,
    run: parent ? (n) => context.with(parent, loop, undefined, n) : loop,
  };
}

/** The sync and the async variant of one way of calling a method. */
/** One measured subject: the same work as a sync and as an async method. */
export interface Subject {
  sync: (x: number) => number;
  async: (x: number) => Promise<number>;
}

export function bothKinds(id: string, label: string, subject: Subject, parent?: Context): [Variant, Variant] {
  return [syncVariant(id, label, subject.sync, parent), asyncVariant(id, label, subject.async, parent)];
}
