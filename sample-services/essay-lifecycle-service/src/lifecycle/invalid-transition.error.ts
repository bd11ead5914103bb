import type { EssayState } from './essay-state.js';

/** An event asked for a move the state machine does not allow (or for an essay it does not know). */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';

  constructor(
    readonly essayId: string,
    readonly from: EssayState | 'none',
    readonly to: EssayState,
  ) {
    super(`Essay ${essayId} cannot move from ${from} to ${to}.`);
  }
}
