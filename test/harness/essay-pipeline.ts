import { startEssayPlatform, tracingEnv } from './essay-platform.js';
import type { EssayPlatform } from './essay-platform.js';
import { startService } from './start-service.js';
import type { RunningService } from './start-service.js';

/** The topics the essay pipeline uses. */
export const ESSAY_PIPELINE_TOPICS = ['essay.uploaded', 'essay.spellcheck.requested', 'essay.spellcheck.completed'];

/** The essay platform with its Kafka side: the essay lifecycle service and the spellchecker. */
export interface EssayPipeline extends EssayPlatform {
  essayLifecycle: RunningService;
  spellchecker: RunningService;
}

/** What the Kafka services log once their consumer group is joined. */
const LISTENING_ON_KAFKA = /listening on Kafka/;

/**
 * Start the gateway, the file service (publishing to `kafkaBrokers`), the content service, the essay
 * lifecycle service and the spellchecker at once, exporting spans over OTLP/HTTP to `otlpEndpoint`.
 * The Kafka services are ready once they log that they listen. If one fails to start, the others are
 * stopped.
 */
export async function startEssayPipeline(
  otlpEndpoint: string,
  kafkaBrokers: readonly string[],
): Promise<EssayPipeline> {
  const env = { ...tracingEnv(otlpEndpoint), KAFKA_BROKERS: kafkaBrokers.join(',') };
  const [platform, essayLifecycle, spellchecker] = await Promise.allSettled([
    startEssayPlatform(otlpEndpoint, { kafkaBrokers }),
    startService('essay-lifecycle-service', { env, readyLine: LISTENING_ON_KAFKA }),
    startService('spellchecker-service', { env, readyLine: LISTENING_ON_KAFKA }),
  ]);
  const stopAll = async (): Promise<void> => {
    await Promise.all([
      platform.status === 'fulfilled' ? platform.value.stop() : undefined,
      essayLifecycle.status === 'fulfilled' ? essayLifecycle.value.stop() : undefined,
      spellchecker.status === 'fulfilled' ? spellchecker.value.stop() : undefined,
    ]);
  };
  for (const result of [platform, essayLifecycle, spellchecker]) {
    if (result.status === 'rejected') {
      await stopAll();
      throw result.reason;
    }
  }
  return {
    ...(platform as PromiseFulfilledResult<EssayPlatform>).value,
    essayLifecycle: (essayLifecycle as PromiseFulfilledResult<RunningService>).value,
    spellchecker: (spellchecker as PromiseFulfilledResult<RunningService>).value,
    stop: stopAll,
  };
}
