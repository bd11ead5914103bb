import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { ClientKafka } from '@nestjs/microservices';
import CircuitBreaker from 'opossum';
import { firstValueFrom, timeout } from 'rxjs';
import { TracedClientKafka } from '@huleedu/nest-tracing-kafka';
import { traceCircuitBreaker } from '@huleedu/nest-tracing-resilience';
import { kafkaClientOptions } from '../kafka/kafka.config.js';
import { JUDGEMENT_REQUESTED_TOPIC } from './judgement.contract.js';
import type { Judgement, JudgementRequest } from './judgement.contract.js';

/** Injection token of the service's traced Kafka client. */
export const CJ_KAFKA_CLIENT = Symbol('CJ_KAFKA_CLIENT');

/** How long a judgement request may wait for its reply. */
const JUDGEMENT_TIMEOUT_MS = 10_000;

/**
 * The service's `TracedClientKafka` for the brokers in `KAFKA_BROKERS` (read when the module is
 * created): `send` is a CLIENT span over the request/reply round trip, `emit` a PRODUCER span.
 * Closed with the application.
 */
export const CjKafkaClientModule = ClientsModule.registerAsync([
  {
    name: CJ_KAFKA_CLIENT,
    useFactory: () => ({ customClass: TracedClientKafka, options: kafkaClientOptions() }),
  },
]);

/**
 * Asks the LLM provider for judgements by Kafka request/reply, through the traced circuit breaker
 * `llm-provider` (a `resilience.llm-provider` span over each request/reply). Subscribes to the reply topic before
 * the client connects, and connects at boot (kafkajs joins the reply group before `connect`
 * resolves, so the first request finds its reply partition).
 */
@Injectable()
export class LlmJudgementClient implements OnModuleInit, OnApplicationBootstrap {
  /** Opens when half of at least five judgements in ten seconds failed; the 10 s reply timeout stays in `request`. */
  private readonly breaker = traceCircuitBreaker(
    new CircuitBreaker((request: JudgementRequest) => this.request(request), {
      name: 'llm-provider',
      timeout: false,
      volumeThreshold: 5,
      errorThresholdPercentage: 50,
      resetTimeout: 10_000,
    }),
  );

  constructor(@Inject(CJ_KAFKA_CLIENT) private readonly client: ClientKafka) {}

  onModuleInit(): void {
    this.client.subscribeToResponseOf(JUDGEMENT_REQUESTED_TOPIC);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  /** The judgement of one pair; rejects when no reply arrives within 10 s, or at once while the breaker is open. */
  judge(request: JudgementRequest): Promise<Judgement> {
    return this.breaker.fire(request);
  }

  private request(request: JudgementRequest): Promise<Judgement> {
    return firstValueFrom(
      this.client
        .send<Judgement, JudgementRequest>(JUDGEMENT_REQUESTED_TOPIC, request)
        .pipe(timeout(JUDGEMENT_TIMEOUT_MS)),
    );
  }
}
