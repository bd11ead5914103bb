import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SpanAttribute, Traced } from '@huleedu/nest-tracing';
import { ContentNotFoundError } from './content-not-found.error.js';
import { ContentRepository } from './content.repository.js';
import type { ContentType, StoredContent, StoredContentSummary } from './content.types.js';
import { detectContentType } from './detect-content-type.js';

/**
 * Stores essay texts and hands them back. Each operation is a span: `content.store` (with
 * `content.detect_type` as its child) and `content.retrieve`. Spans carry ids, sizes and types,
 * never the text.
 */
@Injectable()
export class ContentService {
  constructor(private readonly repository: ContentRepository) {}

  /** Store a text under a new id, with its detected type. */
  @Traced('content.store', {
    attributes: (text: string) => ({ 'content.size': Buffer.byteLength(text, 'utf8') }),
    onResult: (stored: StoredContentSummary) => ({
      'content.id': stored.contentId,
      'content.type': stored.contentType,
    }),
  })
  async store(text: string): Promise<StoredContentSummary> {
    const content: StoredContent = {
      contentId: `content-${randomUUID()}`,
      contentType: this.detectType(text),
      size: Buffer.byteLength(text, 'utf8'),
      text,
      storedAt: new Date().toISOString(),
    };
    await this.repository.save(content);
    return { contentId: content.contentId, contentType: content.contentType, size: content.size };
  }

  /** `text/markdown` or `text/plain`, from the text's structure. */
  @Traced('content.detect_type', {
    onResult: (contentType: ContentType) => ({ 'content.type': contentType }),
  })
  detectType(text: string): ContentType {
    return detectContentType(text);
  }

  /** The content stored under `contentId`; rejects with `ContentNotFoundError` when there is none. */
  @Traced('content.retrieve', {
    onResult: (content: StoredContent) => ({ 'content.type': content.contentType, 'content.size': content.size }),
  })
  async retrieve(@SpanAttribute('content.id') contentId: string): Promise<StoredContent> {
    const content = await this.repository.findById(contentId);
    if (!content) throw new ContentNotFoundError(contentId);
    return content;
  }
}
