import { describe, expect, it } from '@jest/globals';
import { BatchTracker } from './batch-tracker.js';

const completion = (essayId: string, score = 0.5) => ({ essay_id: essayId, score, spanContext: undefined });

describe('BatchTracker', () => {
  it('completes a batch with its last essay, then forgets it', () => {
    const tracker = new BatchTracker();
    tracker.register('b1', ['e1', 'e2']);

    expect(tracker.record('b1', completion('e1'))).toEqual({ status: 'pending', remaining: 1 });
    expect(tracker.record('b1', completion('e2', 1))).toEqual({
      status: 'complete',
      completions: [completion('e1'), completion('e2', 1)],
    });
    expect(tracker.inFlight).toBe(0);
    expect(tracker.record('b1', completion('e1')).status).toBe('unknown_batch');
  });

  it('ignores repeated completions and essays outside the batch', () => {
    const tracker = new BatchTracker();
    tracker.register('b1', ['e1', 'e2']);
    tracker.record('b1', completion('e1'));

    expect(tracker.record('b1', completion('e1')).status).toBe('duplicate');
    expect(tracker.record('b1', completion('e9')).status).toBe('unknown_essay');
    expect(tracker.inFlight).toBe(1);
  });
});
