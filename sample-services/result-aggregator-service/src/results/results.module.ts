import { Module } from '@nestjs/common';
import { ReportEventsClientModule } from '../kafka/report-events.client.js';
import { ResultAggregatorService } from './result-aggregator.service.js';
import { ResultStore } from './result-store.service.js';
import { ResultsController } from './results.controller.js';

/** Results: the Kafka handlers, the store, the aggregator and the client it reports with. */
@Module({
  imports: [ReportEventsClientModule],
  controllers: [ResultsController],
  providers: [ResultStore, ResultAggregatorService],
  exports: [ResultAggregatorService],
})
export class ResultsModule {}
