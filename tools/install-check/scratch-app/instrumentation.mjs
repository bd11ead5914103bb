// The application's own OpenTelemetry set-up, as a user writes it: NodeSDK with the auto-instrumentations,
// preloaded with `node --import ./instrumentation.mjs app.mjs`. The ESM loader hook comes first, so that
// modules imported afterwards (by app.mjs) can be patched.
import { register } from 'node:module';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { FileSpanExporter } from './file-span-exporter.mjs';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const sdk = new NodeSDK({
  serviceName: 'greeter',
  traceExporter: new FileSpanExporter(process.env.SPANS_FILE),
  instrumentations: [getNodeAutoInstrumentations()],
});
sdk.start();

// The check stops the app with SIGTERM: shutting the SDK down flushes every ended span to the file.
process.once('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});
