import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContentType } from './content.types.js';

/** One stored text: a row of the `contents` table. */
@Entity({ name: 'contents' })
export class ContentEntity {
  @PrimaryColumn({ name: 'content_id', type: 'text' })
  contentId!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: ContentType;

  /** Size of the text in bytes (UTF-8). */
  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'stored_at', type: 'timestamptz' })
  storedAt!: Date;
}
