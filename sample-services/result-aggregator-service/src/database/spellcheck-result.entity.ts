import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The latest `essay.spellcheck.completed` of an essay: counts only, never the essay's words. */
@Entity({ name: 'spellcheck_results' })
export class SpellcheckResult {
  @PrimaryColumn({ type: 'text' })
  essay_id!: string;

  @Column({ type: 'text' })
  status!: 'completed' | 'failed';

  @Column({ type: 'integer', nullable: true })
  word_count!: number | null;

  @Column({ type: 'integer', nullable: true })
  error_count!: number | null;

  /** The error's name when the essay could not be checked. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  received_at!: Date;
}
