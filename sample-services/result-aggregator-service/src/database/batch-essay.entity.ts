import { Entity, Index, PrimaryColumn } from 'typeorm';

/** Batch membership: one row per essay of a registered batch. */
@Entity({ name: 'result_batch_essays' })
export class BatchEssay {
  @PrimaryColumn({ type: 'text' })
  batch_id!: string;

  /** Indexed: a spellcheck result names only its essay, and finds its batches through it. */
  @Index()
  @PrimaryColumn({ type: 'text' })
  essay_id!: string;
}
