import { CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SchoolClass } from './school-class.entity.js';
import { Student } from './student.entity.js';

/** Foreign key from an enrolment to its class: violated (23503) by an unknown class. */
export const ENROLMENT_CLASS_FOREIGN_KEY = 'fk_enrolments_class';
/** Foreign key from an enrolment to its student: violated (23503) by an unknown student. */
export const ENROLMENT_STUDENT_FOREIGN_KEY = 'fk_enrolments_student';

/**
 * A student enrolled in a class, in the `enrolments` table. The key is the pair, so enrolling a
 * student twice violates it (23505); both sides are foreign keys, deleted with their class or student.
 */
@Entity({ name: 'enrolments' })
export class Enrolment {
  @PrimaryColumn({ name: 'class_id', type: 'uuid' })
  classId!: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid' })
  studentId!: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id', foreignKeyConstraintName: ENROLMENT_CLASS_FOREIGN_KEY })
  schoolClass?: SchoolClass;

  @ManyToOne(() => Student, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: ENROLMENT_STUDENT_FOREIGN_KEY })
  student?: Student;

  @CreateDateColumn({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt!: Date;
}
