import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A class (a course group taught by one instructor), in the `classes` table. */
@Entity({ name: 'classes' })
export class SchoolClass {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** What kind of class it is (`class.type` on the spans): for example `lecture`, `seminar`. */
  @Column({ name: 'class_type', type: 'varchar', length: 64 })
  classType!: string;

  @Index('idx_classes_instructor_id')
  @Column({ name: 'instructor_id', type: 'varchar', length: 128 })
  instructorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
