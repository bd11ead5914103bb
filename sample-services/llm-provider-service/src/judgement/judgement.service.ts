import { Injectable } from '@nestjs/common';
import { Traced } from '@huleedu/nest-tracing';
import { judgeEssays } from './judge-essays.js';
import type { Judgement, JudgementRequest } from './judgement.types.js';

/**
 * Judges pairs of essays with the stand-in model. Span `llm.judgement` (INTERNAL) with the pair id,
 * the model, and the winner and the reason; never the essays' text.
 */
@Injectable()
export class JudgementService {
  @Traced('llm.judgement', {
    attributes: (request: JudgementRequest) => ({
      'llm.pair.id': request.pair_id,
      'llm.essay_a.id': request.essay_a.essay_id,
      'llm.essay_b.id': request.essay_b.essay_id,
    }),
    onResult: (judgement: Judgement) => ({
      'llm.model': judgement.model,
      'llm.judgement.winner_id': judgement.winner_id,
      'llm.judgement.reason': judgement.reason,
    }),
  })
  judge(request: JudgementRequest): Judgement {
    return judgeEssays(request);
  }
}
