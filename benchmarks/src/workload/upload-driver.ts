import { randomBytes } from 'node:crypto';
import type { CompletionListener } from './workload-database.js';

/**
 * The essay every upload sends: one paragraph of 119 words, four of them misspelt, the others in the
 * sample spellchecker's dictionary (a word it does not know costs an edit-distance scan of the whole
 * dictionary, so a text full of them would make the spellchecker the whole workload).
 */
export const WORKLOAD_ESSAY = {
  fileName: 'river-essay.txt',
  contentType: 'text/plain',
  text: [
    'Teh students read thier books by the river every morning before school.',
    'They say what they think about the story, the people and the place they have never been to,',
    'and they write a few words on the page when a sentence is important to them.',
    'Some of them like history, other students like science; a few read only about the sea,',
    'because they want to know how the world became what it is.',
    'Their teacher would like them to write one page each day about what they read,',
    'and to say in their own words why a book was good, or why it was not.',
    'Most of the essays are small, but the best are honset and carefull.',
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
 * sends its next upload when the previous one completed its Kafka chain). `beforeUpload` learns each
 * upload's trace id before it is sent.
 */
export async function runUploads(
  gatewayUrl: string,
  completions: CompletionListener,
  count: number,
  concurrency: number,
  beforeUpload?: (traceId: string, index: number) => void,
): Promise<UploadBatch> {
  const results: UploadResult[] = [];
  let sent = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (sent < count) {
      const traceId = randomBytes(16).toString('hex');
      beforeUpload?.(traceId, sent);
      sent += 1;
      results.push(await uploadOne(gatewayUrl, completions, traceId));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { results, wallMs: performance.now() - started };
}
