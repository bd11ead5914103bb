import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Traced, setAttributes } from '@huleedu/nest-tracing';
import { EssayEventsPublisher } from '../events/essay-events.publisher.js';
import { ContentStoreClient } from './content-store.client.js';
import { ALLOWED_FILE_TYPES, MAX_FILE_NAME_LENGTH, MAX_FILE_SIZE_BYTES, mediaTypeOf } from './file-rules.js';
import type { FileUploadRequest, FileUploadResult, ValidatedFile } from './file-upload.types.js';
import { InvalidFileError } from './invalid-file.error.js';
import type { InvalidFileReason } from './invalid-file.error.js';
import { normaliseWhitespace } from './normalise-whitespace.js';

/** Refuse the file: the reason goes on the validation span, the error fails it. */
function refuse(reason: InvalidFileReason, message: string): never {
  setAttributes({ 'file.validation.failure': reason });
  throw new InvalidFileError(reason, message);
}

/**
 * Takes essay files in: validates them, extracts their text and stores it in the content service.
 * Spans: `file.upload`, with `file.upload.validate`, `file.upload.extract_text` and the call to the
 * content service as its children. They carry sizes, types and ids, never the file's text or name.
 * With Kafka configured, a stored essay is announced as `essay.uploaded` (a PRODUCER span under
 * `file.upload`); a failed publish is logged and does not fail the upload.
 */
@Injectable()
export class FileUploadService {
  constructor(
    private readonly contentStore: ContentStoreClient,
    private readonly events: EssayEventsPublisher,
  ) {}

  /** Validate, extract and store one file. Rejects with `InvalidFileError` or `ContentStorageError`. */
  @Traced('file.upload', {
    attributes: (request: Partial<FileUploadRequest> | undefined) => ({
      'file.size': typeof request?.text === 'string' ? Buffer.byteLength(request.text, 'utf8') : undefined,
      'file.type': mediaTypeOf(request?.contentType),
      'storage.backend': ContentStoreClient.backend,
    }),
    onResult: (result: FileUploadResult) => ({ 'file.id': result.fileId, 'content.id': result.contentId }),
  })
  async upload(request: Partial<FileUploadRequest> | undefined): Promise<FileUploadResult> {
    const file = this.validate(request);
    const text = this.extractText(file);
    const stored = await this.contentStore.store(text);
    const result = { fileId: `file-${randomUUID()}`, contentId: stored.contentId };
    await this.events.publishEssayUploaded({
      essay_id: stored.contentId,
      file_id: result.fileId,
      content_id: stored.contentId,
      content_type: file.contentType,
      text,
    });
    return result;
  }

  /** The file, if it has a name, an accepted type and a non-blank text of at most 1 MB. */
  @Traced('file.upload.validate', {
    onResult: (file: ValidatedFile) => ({ 'file.size': file.size, 'file.type': file.contentType }),
  })
  validate(request: Partial<FileUploadRequest> | undefined): ValidatedFile {
    const { fileName, contentType, text } = request ?? {};
    if (typeof fileName !== 'string' || fileName.trim().length === 0 || fileName.length > MAX_FILE_NAME_LENGTH) {
      refuse('invalid_file_name', `fileName must be a non-empty string of at most ${MAX_FILE_NAME_LENGTH} characters.`);
    }
    const mediaType = mediaTypeOf(contentType);
    if (mediaType === undefined || !ALLOWED_FILE_TYPES.has(mediaType)) {
      refuse('unsupported_type', `contentType must be one of ${[...ALLOWED_FILE_TYPES].join(', ')}.`);
    }
    if (typeof text !== 'string') refuse('missing_text', 'text must be a string.');
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_FILE_SIZE_BYTES)
      refuse('too_large', `The file is ${size} bytes; the limit is ${MAX_FILE_SIZE_BYTES}.`);
    if (text.trim().length === 0) refuse('empty', 'The file has no text.');
    return { fileName, contentType: mediaType, text, size };
  }

  /** The file's text with normalised whitespace (see `normaliseWhitespace`). */
  @Traced('file.upload.extract_text', {
    attributes: (file: ValidatedFile) => ({ 'file.size': file.size }),
    onResult: (text: string) => ({ 'file.extracted_size': Buffer.byteLength(text, 'utf8') }),
  })
  extractText(file: ValidatedFile): string {
    return normaliseWhitespace(file.text);
  }
}
