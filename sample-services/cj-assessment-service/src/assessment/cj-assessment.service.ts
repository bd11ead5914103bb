import { Inject, Injectable } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { setAttributes, traceOperation } from '@huleedu/nest-tracing';
import { createEventEnvelope } from '@huleedu/nest-tracing-kafka';
import { CJ_ASSESSMENT_SERVICE } from '../kafka/kafka.config.js';
import { CJ_KAFKA_CLIENT, LlmJudgementClient } from '../llm/llm-judgement.client.js';
import type { Judgement, JudgementRequest } from '../llm/judgement.contract.js';
import { ASSESSMENT_COMPLETED_TOPIC } from './assessment.events.js';
import type { AssessmentCompletedData, AssessmentRequestedData } from './assessment.events.js';
import { comparisonPairs, winRate } from './comparison-pairs.js';

/**
 * Comparative-judgement assessment of one essay: it is paired with each other essay of its batch,
 * the LLM provider judges every pair (by Kafka request/reply, all pairs at once), and the share of
 * pairs won is its score, published as `essay.assessment.completed`.
 *
 * Spans: `cj.assessment.run` (`batch.id`, `essay.id`, `cj.pair_count`, then `cj.score`, `cj.wins`),
 * with one `cj.pair.compare` per pair (`cj.pair.id`, then `cj.pair.winner_id`) holding the CLIENT
 * span of the request, and the PRODUCER span of the result. No essay text is recorded.
 */
@Injectable()
export class CjAssessmentService {
  constructor(
    private readonly llm: LlmJudgementClient,
    @Inject(CJ_KAFKA_CLIENT) private readonly events: ClientKafka,
  ) {}

  assess(request: AssessmentRequestedData): Promise<AssessmentCompletedData> {
    const pairs = comparisonPairs(request);
    const attributes = { 'batch.id': request.batch_id, 'essay.id': request.essay_id, 'cj.pair_count': pairs.length };
    return traceOperation('cj.assessment.run', attributes, async () => {
      const judgements = await Promise.all(pairs.map((pair) => this.compare(pair)));
      const { score, wins } = winRate(
        request.essay_id,
        judgements.map((judgement) => judgement.winner_id),
      );
      setAttributes({ 'cj.score': score, 'cj.wins': wins });
      const result: AssessmentCompletedData = {
        batch_id: request.batch_id,
        essay_id: request.essay_id,
        score,
        wins,
        comparisons: pairs.length,
      };
      const envelope = createEventEnvelope(ASSESSMENT_COMPLETED_TOPIC, result, {
        sourceService: CJ_ASSESSMENT_SERVICE,
      });
      await lastValueFrom(this.events.emit(ASSESSMENT_COMPLETED_TOPIC, { key: request.essay_id, value: envelope }), {
        defaultValue: undefined,
      });
      return result;
    });
  }

  private compare(pair: JudgementRequest): Promise<Judgement> {
    return traceOperation('cj.pair.compare', { 'cj.pair.id': pair.pair_id }, async () => {
      const judgement = await this.llm.judge(pair);
      setAttributes({ 'cj.pair.winner_id': judgement.winner_id });
      return judgement;
    });
  }
}
