import { Module } from '@nestjs/common';
import { CONTENT_SERVICE_URL, ContentStoreClient, contentServiceUrlFromEnv } from './content-store.client.js';
import { FileUploadService } from './file-upload.service.js';
import { FilesController } from './files.controller.js';

/** Uploads: the route, the traced upload service and the content service client. */
@Module({
  controllers: [FilesController],
  providers: [
    FileUploadService,
    ContentStoreClient,
    { provide: CONTENT_SERVICE_URL, useFactory: contentServiceUrlFromEnv },
  ],
  exports: [FileUploadService],
})
export class FilesModule {}
