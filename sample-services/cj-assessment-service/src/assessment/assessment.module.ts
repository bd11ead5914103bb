import { Module } from '@nestjs/common';
import { CjKafkaClientModule, LlmJudgementClient } from '../llm/llm-judgement.client.js';
import { AssessmentController } from './assessment.controller.js';
import { CjAssessmentService } from './cj-assessment.service.js';

/** Assessment: the Kafka handler, the comparative-judgement service and the LLM provider's client. */
@Module({
  imports: [CjKafkaClientModule],
  controllers: [AssessmentController],
  providers: [CjAssessmentService, LlmJudgementClient],
  exports: [CjAssessmentService],
})
export class AssessmentModule {}
