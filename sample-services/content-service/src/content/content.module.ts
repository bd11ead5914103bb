import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentController } from './content.controller.js';
import { ContentEntity } from './content.entity.js';
import { ContentRepository } from './content.repository.js';
import { ContentService } from './content.service.js';

/**
 * The content store: its HTTP routes, the traced service and the repository on the `contents`
 * table (the data source comes from `DatabaseModule`, imported by `AppModule`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ContentEntity])],
  controllers: [ContentController],
  providers: [ContentService, ContentRepository],
  exports: [ContentService],
})
export class ContentModule {}
