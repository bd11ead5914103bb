import { describe, expect, it, jest } from '@jest/globals';

// `@opentelemetry/propagator-b3` is an optional peer: an application that never asks for b3 may not
// have it. This file's module registry stands in for such an application (the package is installed
// in this repository, so it cannot really be absent): importing it fails as a missing package does.
jest.unstable_mockModule('@opentelemetry/propagator-b3', () => {
  throw Object.assign(new Error("Cannot find package '@opentelemetry/propagator-b3'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});
const { buildPropagator } = await import('./propagators.js');

describe('buildPropagator without @opentelemetry/propagator-b3 installed', () => {
  it('builds W3C trace context and baggage, which need no optional peer', async () => {
    const propagator = await buildPropagator(['tracecontext', 'baggage']);
    expect(propagator?.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });

  it.each([['b3'], ['b3multi']] as const)('fails %s at start-up with how to install it', async (name) => {
    await expect(buildPropagator(['tracecontext', name])).rejects.toThrow(
      /b3 and b3multi propagators need the package @opentelemetry\/propagator-b3[\s\S]*npm install @opentelemetry\/propagator-b3/,
    );
  });
});
