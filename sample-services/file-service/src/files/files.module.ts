import { Module } from '@nestjs/common';
import { EssayEventsModule } from '../events/essay-events.module.js';
import { CONTENT_SERVICE_URL, ContentStoreClient, contentServiceUrlFromEnv } from './content-store.client.js';
import { FileUploadService } from './file-upload.service.js';
import { FilesController } from './files.controller.js';

/** Uploads: the route, the traced upload service, the content service client and the Kafka events. */
@Module({
  imports: [EssayEventsModule],
  controllers: [FilesController],
  providers: [
    FileUploadService,
    ContentStoreClient,
    { provide: CONTENT_SERVICE_URL, useFactory: contentServiceUrlFromEnv },
  ],
  exports: [FileUploadService],
})
export class FilesModule {}
