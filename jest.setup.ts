import { expect } from '@jest/globals';
import { tracingMatchers } from '@huleedu/nest-tracing-testing';

expect.extend(tracingMatchers);

// Specs assert the default messaging attribute names unless they choose a mode themselves: a shell's
// OTEL_SEMCONV_STABILITY_OPT_IN must not change them (the e2e harness drops OTEL_* for its processes too).
delete process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
