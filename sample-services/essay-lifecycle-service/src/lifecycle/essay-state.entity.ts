import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EssayState } from './essay-state.js';

/** One essay's place in the state machine: a row of the `essay_states` table. */
@Entity({ name: 'essay_states' })
export class EssayStateEntity {
  @PrimaryColumn({ name: 'essay_id', type: 'text' })
  essayId!: string;

  @Column({ type: 'text' })
  state!: EssayState;

  /** The correlation id of the upload that started it. */
  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** Misspellings the spellchecker found, once it has answered. */
  @Column({ name: 'spellcheck_error_count', type: 'integer', nullable: true })
  spellcheckErrorCount!: number | null;
}
