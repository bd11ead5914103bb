import { Inject, Injectable } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { traceCircuitBreaker } from '@huleedu/nest-tracing-resilience';
import { ContentStorageError } from './content-storage.error.js';

/** Injection token of the content service's base URL. */
export const CONTENT_SERVICE_URL = Symbol('CONTENT_SERVICE_URL');

/** The content service's base URL: `CONTENT_SERVICE_URL`, else the local default. */
export function contentServiceUrlFromEnv(): string {
  return process.env.CONTENT_SERVICE_URL ?? 'http://127.0.0.1:3002';
}

/** What the content service answers to `POST /content`. */
export interface StoredContentSummary {
  contentId: string;
  contentType: string;
  size: number;
}

/**
 * Stores extracted texts in the content service (`POST /content`) with global `fetch`, through the
 * traced circuit breaker `content-store` (a `resilience.content-store` span). The call's CLIENT
 * span and the trace-context headers come from `TracingModule`'s HTTP client tracing.
 */
@Injectable()
export class ContentStoreClient {
  /** The value of `storage.backend` on `file.upload`. */
  static readonly backend = 'content-service';

  /** Opens when half of at least five calls in ten seconds failed; one trial call ten seconds later. */
  private readonly breaker = traceCircuitBreaker(
    new CircuitBreaker((text: string) => this.post(text), {
      name: 'content-store',
      timeout: false,
      volumeThreshold: 5,
      errorThresholdPercentage: 50,
      resetTimeout: 10_000,
    }),
  );

  constructor(@Inject(CONTENT_SERVICE_URL) private readonly baseUrl: string) {}

  /** Store `text`; while the breaker is open, fails at once with a `ContentStorageError`. */
  async store(text: string): Promise<StoredContentSummary> {
    try {
      return await this.breaker.fire(text);
    } catch (error) {
      if (CircuitBreaker.isOurError(error as Error) && !(error instanceof ContentStorageError)) {
        throw new ContentStorageError(`The content service at ${this.baseUrl} is failing; not calling it for now.`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async post(text: string): Promise<StoredContentSummary> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/content`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    } catch (error) {
      throw new ContentStorageError(`The content service at ${this.baseUrl} is unreachable.`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ContentStorageError(`The content service answered ${response.status} to POST /content.`);
    }
    return (await response.json()) as StoredContentSummary;
  }
}
