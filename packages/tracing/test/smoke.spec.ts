import { describe, expect, it, afterEach } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { Traced } from '@huleedu/nest-tracing';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';

@Injectable()
class EssayService {
  @Traced()
  async check(id: string): Promise<string> {
    return this.inner(id);
  }

  @Traced()
  inner(id: string): string {
    return id.toUpperCase();
  }
}

describe('smoke', () => {
  let moduleRef: TestingModule;
  afterEach(async () => moduleRef.close());

  it('traces nested calls', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'essay-service' })],
      providers: [EssayService],
    }).compile();
    const spans = moduleRef.get(TestSpans);
    expect(await moduleRef.get(EssayService).check('a')).toBe('A');
    const outer = spans.one('essay.EssayService.check');
    expect(spans.one('essay.EssayService.inner')).toBeChildOf(outer);
    expect(spans).toHaveSpanCount(2);
  });
});
