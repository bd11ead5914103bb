import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { defaultErrorClassifier } from './default-error-classifier.js';

describe('defaultErrorClassifier', () => {
  it.each([
    [new NotFoundException(), SpanKind.SERVER, 'expected'],
    [new BadRequestException(), SpanKind.INTERNAL, 'expected'],
    [new HttpException('teapot', 418), SpanKind.SERVER, 'expected'],
    [new NotFoundException(), SpanKind.CLIENT, 'error'],
    [new NotFoundException(), SpanKind.CONSUMER, 'error'],
    [new ServiceUnavailableException(), SpanKind.SERVER, 'error'],
    [new Error('plain'), SpanKind.INTERNAL, 'error'],
    ['a string', SpanKind.INTERNAL, 'error'],
    [{ getStatus: () => 404 }, SpanKind.SERVER, 'error'],
  ])('classifies %p on a %s span as %s', (error, kind, expected) => {
    expect(defaultErrorClassifier(error, kind)).toBe(expected);
  });
});
