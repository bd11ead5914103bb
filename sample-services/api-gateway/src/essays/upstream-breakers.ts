import { HttpException } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { callThrough } from '@huleedu/nest-tracing-resilience';

/**
 * The circuit breaker in front of one upstream: opens when half of at least five calls in the
 * last ten seconds failed, and lets one trial call through ten seconds later. Timeouts stay with
 * the HTTP client (10 s). An upstream's 4xx (a missing essay, an invalid file) is an answer, not a
 * sign of trouble, so it does not count towards opening.
 */
export function upstreamBreaker(name: string): CircuitBreaker {
  return new CircuitBreaker(callThrough, {
    name,
    timeout: false,
    volumeThreshold: 5,
    errorThresholdPercentage: 50,
    resetTimeout: 10_000,
    errorFilter: (error: unknown) => error instanceof HttpException && error.getStatus() < 500,
  });
}
