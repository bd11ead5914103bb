import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A student who can be enrolled in classes, in the `students` table. */
@Entity({ name: 'students' })
export class Student {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
