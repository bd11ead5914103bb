import { randomBytes } from 'node:crypto';
import type { CompletionListener } from './workload-database.js';

/**
 * The essay every upload sends: one paragraph, 106 words, four of them misspelt, so the spellchecker
 * has real work and the lifecycle records an error count.
 */
export const WORKLOAD_ESSAY = {
  fileName: 'river-essay.txt',
  contentType: 'text/plain',
  text: [
    'Teh students read thier books by the river every morning before school.',
    'They talk about the stories, the characters and the places they have never seen,',
    'and they write short notes in the margins when a sentence surprises them.',
    'Some of them prefer poems, others long novels with maps on the first page;',
    'a few read only history, because they want to know how the town became what it is.',
    'Their teacher asks them to write one page each week about what they read,',
    'and to explain in their own words why a book was worth the time, or why it was not.',
    'Most weeks the essays are short, but the best ones are honset and carefull.',
  ].join(' '),
};

let nextSequence = 1;

/** How long one upload's Kafka chain may take before it counts as failed. */
const CHAIN_TIMEOUT_MS = 30_000;

/** One upload through the gateway, timed until the lifecycle service recorded it as `completed`. */
export interface UploadResult {
  /** The trace id sent in `traceparent` (the traced gateway continues it; the untraced one ignores it). */
  traceId: string;
  essayId: string;
  /** From sending `POST /essays` to its 201 answer. */
  httpMs: number;
  /** From sending `POST /essays` to the `completed` notification. */
  chainMs: number;
  /** Why the upload failed, if it did (a non-201 answer, a `failed` essay, a timeout). */
  error?: string;
}

/** A batch of uploads at a fixed concurrency. */
export interface UploadBatch {
  results: UploadResult[];
  /** From the first upload sent to the last one completed. */
  wallMs: number;
}

/** Upload one essay with the given trace id in `traceparent`, and wait until its Kafka chain completed. */
export async function uploadOne(
  gatewayUrl: string,
  completions: CompletionListener,
  traceId = randomBytes(16).toString('hex'),
): Promise<UploadResult> {
  const sequence = nextSequence++;
  const started = performance.now();
  const result: UploadResult = { traceId, essayId: '', httpMs: NaN, chainMs: NaN };
  try {
    const response = await fetch(`${gatewayUrl}/essays`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer teacher-token',
        'content-type': 'application/json',
        'x-correlation-id': `workload-${sequence}`,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify(WORKLOAD_ESSAY),
      signal: AbortSignal.timeout(CHAIN_TIMEOUT_MS),
    });
    result.httpMs = performance.now() - started;
    const body = await response.text();
    if (response.status !== 201) throw new Error(`POST /essays answered ${response.status}: ${body.slice(0, 200)}`);
    result.essayId = (JSON.parse(body) as { essayId: string }).essayId;
    const outcome = await completions.outcome(result.essayId, CHAIN_TIMEOUT_MS);
    result.chainMs = outcome.at - started;
    if (outcome.state !== 'completed') throw new Error(`essay ${result.essayId} ended ${outcome.state}`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  return result;
}

/**
 * Upload `count` essays through the gateway with `concurrency` in flight (a closed loop: each worker
 * sends its next upload when the previous one completed its Kafka chain).
 */
export async function runUploads(
  gatewayUrl: string,
  completions: CompletionListener,
  count: number,
  concurrency: number,
): Promise<UploadBatch> {
  const results: UploadResult[] = [];
  let remaining = count;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (remaining > 0) {
      remaining -= 1;
      results.push(await uploadOne(gatewayUrl, completions));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { results, wallMs: performance.now() - started };
}
