import { SetMetadata } from '@nestjs/common';
import { NO_TRACE_METADATA } from '../tracing.internal-constants.js';

/**
 * Leave a method out of class-level `@Traced()`. On a handler or controller it also tells the
 * HTTP and messaging interceptors to make no span. Writes metadata only.
 */
export const NoTrace = (): MethodDecorator & ClassDecorator => SetMetadata(NO_TRACE_METADATA, true);
