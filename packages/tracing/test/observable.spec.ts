import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { Observable, Subject, defer, firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { Traced } from '@huleedu/nest-tracing';
import { bootTracedModule } from './fixtures/boot-traced-module.js';
import type { TracedTestModule } from './fixtures/boot-traced-module.js';

@Injectable()
class Lookup {
  @Traced()
  word(word: string): string {
    return word;
  }
}

@Injectable()
class StreamService {
  subscriptions = 0;

  constructor(private readonly lookup: Lookup) {}

  @Traced({ onResult: (value: number) => ({ 'last.value': value }) })
  numbers(): Observable<number> {
    return defer(() => {
      this.subscriptions += 1;
      this.lookup.word('inside');
      return of(1, 2, 3);
    });
  }

  @Traced()
  failing(): Observable<never> {
    return throwError(() => new TypeError('stream broke'));
  }

  @Traced()
  endless(source: Subject<number>): Observable<number> {
    return source.asObservable();
  }

  // no declared return type: the first call learns that it returns an Observable
  @Traced()
  inferred() {
    return of('a', 'b');
  }
}

describe('@Traced on Observable-returning methods', () => {
  let app: TracedTestModule;
  let streams: StreamService;

  beforeAll(async () => {
    app = await bootTracedModule([Lookup, StreamService]);
    streams = app.get(StreamService);
  });
  afterAll(async () => app.moduleRef.close());
  beforeEach(() => app.spans.reset());

  it('keeps the span open across several emissions and ends it once on complete', async () => {
    await expect(lastValueFrom(streams.numbers().pipe(toArray()))).resolves.toEqual([1, 2, 3]);
    const span = app.spans.one('essay.StreamService.numbers');
    expect(span).toHaveAttributes({ 'operation.result': 'success', 'last.value': 3 });
    expect(app.spans.one('essay.Lookup.word')).toBeChildOf(span);
    app.spans.assertLifecycle();
  });

  it('makes no span until subscription, and one per subscription of a cold Observable', async () => {
    const numbers = streams.numbers();
    expect(app.spans.all()).toHaveLength(0);
    await lastValueFrom(numbers);
    await lastValueFrom(numbers);
    expect(app.spans).toHaveSpanCount(2, 'essay.StreamService.numbers');
    const [first, second] = app.spans.byName('essay.StreamService.numbers');
    expect(first.spanContext().spanId).not.toBe(second.spanContext().spanId);
  });

  it('parents each subscription on the context active at subscribe time', async () => {
    const numbers = streams.numbers();
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('consumer', async (consumer) => {
      await lastValueFrom(numbers);
      consumer.end();
    });
    expect(app.spans.one('essay.StreamService.numbers')).toBeChildOf(app.spans.one('consumer'));
  });

  it('ends the span with the error and passes the same error on', async () => {
    const error = await firstValueFrom(streams.failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    const span = app.spans.one('essay.StreamService.failing');
    expect(span).toHaveStatus('error');
    expect(span).toHaveRecordedException('TypeError');
  });

  it('ends the span as cancelled when unsubscribed before completion', () => {
    const source = new Subject<number>();
    const received: number[] = [];
    const subscription = streams.endless(source).subscribe((value) => received.push(value));
    source.next(1);
    expect(app.spans.open()).toHaveLength(1);
    subscription.unsubscribe();
    source.next(2);
    expect(received).toEqual([1]);
    expect(app.spans.one('essay.StreamService.endless')).toHaveAttributes({ 'operation.result': 'cancelled' });
    app.spans.assertLifecycle();
  });

  it('handles Observables from methods without a declared return type, first call and later', async () => {
    await expect(lastValueFrom(streams.inferred().pipe(toArray()))).resolves.toEqual(['a', 'b']);
    const later = streams.inferred();
    await lastValueFrom(later);
    await lastValueFrom(later);
    expect(app.spans).toHaveSpanCount(3, 'essay.StreamService.inferred');
    app.spans.assertLifecycle();
  });
});
