import { Injectable } from '@nestjs/common';
import type { StoredContent } from './content.types.js';

/**
 * Where contents live: an in-process `Map` for now (the TypeORM issue moves it to PostgreSQL).
 * Asynchronous already, so the service does not change when it does.
 */
@Injectable()
export class ContentRepository {
  private readonly contents = new Map<string, StoredContent>();

  async save(content: StoredContent): Promise<void> {
    this.contents.set(content.contentId, content);
  }

  async findById(contentId: string): Promise<StoredContent | undefined> {
    return this.contents.get(contentId);
  }
}
