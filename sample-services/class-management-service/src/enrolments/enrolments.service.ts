import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { SpanAttribute, Traced } from '@huleedu/nest-tracing';
import { ClassesService } from '../classes/classes.service.js';
import { Enrolment } from '../entities/enrolment.entity.js';
import { toEnrolmentError } from './enrolment.errors.js';
import type { BulkEnrolmentResult, EnrolmentView } from './enrolments.types.js';

/**
 * Enrols students in classes, one at a time or many in one transaction, as the span
 * `class.create.student_enrollment` with the class's id, type and instructor. A failed enrolment
 * rejects with `ClassNotFoundError`, `StudentNotFoundError` or `AlreadyEnrolledError`; the failed
 * statement's CLIENT span carries the SQLSTATE as `error.type`.
 */
@Injectable()
export class EnrolmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly classes: ClassesService,
  ) {}

  /** Enrol one student: one `INSERT enrolments` after the class is found. */
  @Traced('class.create.student_enrollment', { attributes: { 'batch.size': 1 } })
  async enrol(
    @SpanAttribute('class.id') classId: string,
    @SpanAttribute('student.id') studentId: string,
  ): Promise<EnrolmentView> {
    await this.classes.findClass(classId);
    return insertEnrolment(this.dataSource.manager, classId, studentId);
  }

  /**
   * Enrol every student of `studentIds` in one transaction, an `INSERT enrolments` each, in order:
   * all of them, or (when one fails: an unknown student, a student enrolled already, a student
   * listed twice) none, the transaction rolled back.
   */
  @Traced('class.create.student_enrollment', {
    attributes: (_classId: string, studentIds: string[]) => ({ 'batch.size': studentIds.length }),
    onResult: (result: BulkEnrolmentResult) => ({ 'result.count': result.enrolled.length }),
  })
  async enrolMany(
    @SpanAttribute('class.id') classId: string,
    studentIds: readonly string[],
  ): Promise<BulkEnrolmentResult> {
    await this.classes.findClass(classId);
    const enrolled = await this.dataSource.transaction(async (manager) => {
      const views: EnrolmentView[] = [];
      for (const studentId of studentIds) views.push(await insertEnrolment(manager, classId, studentId));
      return views;
    });
    return { classId, enrolled };
  }
}

/** `INSERT enrolments` of one pair; a failure rejects with what it means (`toEnrolmentError`). */
async function insertEnrolment(manager: EntityManager, classId: string, studentId: string): Promise<EnrolmentView> {
  try {
    const result = await manager.insert(Enrolment, { classId, studentId });
    const enrolledAt: unknown = result.generatedMaps[0]?.enrolledAt;
    return { classId, studentId, enrolledAt: (enrolledAt instanceof Date ? enrolledAt : new Date()).toISOString() };
  } catch (error) {
    throw toEnrolmentError(error, classId, studentId);
  }
}
