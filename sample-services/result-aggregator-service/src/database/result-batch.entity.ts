import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A registered batch (from `batch.registered`), and when its report went out. */
@Entity({ name: 'result_batches' })
export class ResultBatch {
  @PrimaryColumn({ type: 'text' })
  batch_id!: string;

  /** How many essays the batch registered with. */
  @Column({ type: 'integer' })
  essay_count!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  registered_at!: Date;

  /** Set, in the same transaction, when `batch.report.ready` is published: a batch is reported once. */
  @Column({ type: 'timestamptz', nullable: true })
  reported_at!: Date | null;
}
