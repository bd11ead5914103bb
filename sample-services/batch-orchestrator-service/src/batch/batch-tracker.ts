import type { SpanContext } from '@opentelemetry/api';

/** One essay's recorded completion: its score and the span in which the completion was received. */
export interface RecordedCompletion {
  essay_id: string;
  score: number;
  spanContext: SpanContext | undefined;
}

/** What recording a completion did. */
export type CompletionOutcome =
  | { status: 'unknown_batch' | 'unknown_essay' | 'duplicate' }
  | { status: 'pending'; remaining: number }
  | { status: 'complete'; completions: RecordedCompletion[] };

interface TrackedBatch {
  readonly essayIds: ReadonlySet<string>;
  readonly completions: Map<string, RecordedCompletion>;
}

/**
 * The batches in flight, in memory: which essays each one waits for, and the completions received.
 * A batch is forgotten once complete; a repeated or unexpected completion changes nothing.
 */
export class BatchTracker {
  private readonly batches = new Map<string, TrackedBatch>();

  /** Start tracking a batch (a batch registered again starts over). */
  register(batchId: string, essayIds: readonly string[]): void {
    this.batches.set(batchId, { essayIds: new Set(essayIds), completions: new Map() });
  }

  record(batchId: string, completion: RecordedCompletion): CompletionOutcome {
    const batch = this.batches.get(batchId);
    if (!batch) return { status: 'unknown_batch' };
    if (!batch.essayIds.has(completion.essay_id)) return { status: 'unknown_essay' };
    if (batch.completions.has(completion.essay_id)) return { status: 'duplicate' };
    batch.completions.set(completion.essay_id, completion);
    const remaining = batch.essayIds.size - batch.completions.size;
    if (remaining > 0) return { status: 'pending', remaining };
    this.batches.delete(batchId);
    return { status: 'complete', completions: [...batch.completions.values()] };
  }

  /** How many batches wait for completions. */
  get inFlight(): number {
    return this.batches.size;
  }
}
