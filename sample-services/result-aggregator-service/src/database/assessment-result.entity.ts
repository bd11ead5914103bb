import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The latest `essay.assessment.completed` of an essay in a batch. */
@Entity({ name: 'assessment_results' })
export class AssessmentResult {
  @PrimaryColumn({ type: 'text' })
  batch_id!: string;

  @PrimaryColumn({ type: 'text' })
  essay_id!: string;

  /** Share of comparisons won, 0 to 1. */
  @Column({ type: 'double precision' })
  score!: number;

  @Column({ type: 'integer' })
  wins!: number;

  @Column({ type: 'integer' })
  comparisons!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  received_at!: Date;
}
