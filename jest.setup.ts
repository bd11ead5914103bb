import { expect } from '@jest/globals';
import { tracingMatchers } from '@huleedu/nest-tracing-testing';

expect.extend(tracingMatchers);
