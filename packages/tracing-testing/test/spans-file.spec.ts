import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Traced } from '@huleedu/nest-tracing';
import { SPANS_FILE_ENV, TracingTestingModule } from '@huleedu/nest-tracing-testing';

@Injectable()
class GradingService {
  @Traced('grading.grade', { attributes: { 'essay.text': 'never written to the file' } })
  grade(score: number): number {
    return score + 1;
  }
}

describe('NEST_TRACING_SPANS_FILE', () => {
  const folder = mkdtempSync(join(tmpdir(), 'nest-tracing-spans-'));
  afterAll(() => {
    delete process.env[SPANS_FILE_ENV];
    rmSync(folder, { recursive: true, force: true });
  });

  it('appends each finished span as a JSON line with its name, kind, service and identifying attributes only', async () => {
    const file = join(folder, 'spans.jsonl');
    process.env[SPANS_FILE_ENV] = file;
    const moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'grading-service' })],
      providers: [GradingService],
    }).compile();
    expect(moduleRef.get(GradingService).grade(1)).toBe(2);
    moduleRef.get(GradingService).grade(2);
    await moduleRef.close();
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      name: 'grading.grade',
      kind: 'INTERNAL',
      service: 'grading-service',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      attributes: { 'code.function.name': 'GradingService.grade' },
    });
  });

  it('a file it cannot write leaves the traced call and the test unchanged', async () => {
    process.env[SPANS_FILE_ENV] = join(folder, 'missing-folder', 'spans.jsonl');
    const moduleRef = await Test.createTestingModule({
      imports: [TracingTestingModule.forRoot({ serviceName: 'grading-service' })],
      providers: [GradingService],
    }).compile();
    expect(moduleRef.get(GradingService).grade(41)).toBe(42);
    await moduleRef.close();
    expect(() => readFileSync(join(folder, 'missing-folder', 'spans.jsonl'))).toThrow();
  });
});
