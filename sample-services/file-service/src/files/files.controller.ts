import { BadGatewayException, BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { ContentStorageError } from './content-storage.error.js';
import { FileUploadService } from './file-upload.service.js';
import type { FileUploadRequest, FileUploadResult } from './file-upload.types.js';
import { InvalidFileError } from './invalid-file.error.js';

/** `POST /files`: 201 with `{ fileId, contentId }`, 400 for an invalid file, 502 when storage fails. */
@Controller('files')
export class FilesController {
  constructor(private readonly uploads: FileUploadService) {}

  @Post()
  async upload(@Body() body: Partial<FileUploadRequest> | undefined): Promise<FileUploadResult> {
    try {
      return await this.uploads.upload(body);
    } catch (error) {
      if (error instanceof InvalidFileError) throw new BadRequestException(error.message);
      if (error instanceof ContentStorageError) throw new BadGatewayException(error.message);
      throw error;
    }
  }
}
