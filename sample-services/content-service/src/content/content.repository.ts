import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ContentEntity } from './content.entity.js';
import type { StoredContent } from './content.types.js';

/**
 * Where contents live: the `contents` table. One statement per call (`INSERT contents`,
 * `SELECT contents`), each a CLIENT span from `TypeOrmTracingModule`.
 */
@Injectable()
export class ContentRepository {
  constructor(@InjectRepository(ContentEntity) private readonly contents: Repository<ContentEntity>) {}

  async save(content: StoredContent): Promise<void> {
    // insert(), not save(): one INSERT, without the SELECT and transaction save() wraps it in.
    await this.contents.insert({ ...content, storedAt: new Date(content.storedAt) });
  }

  async findById(contentId: string): Promise<StoredContent | undefined> {
    const row = await this.contents.findOneBy({ contentId });
    return row ? { ...row, storedAt: row.storedAt.toISOString() } : undefined;
  }
}
