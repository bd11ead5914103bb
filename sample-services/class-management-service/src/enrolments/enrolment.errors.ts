import { ClassNotFoundError } from '../classes/class-not-found.error.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, sqlStateOf, violatedConstraintOf } from '../database/sql-state.js';
import { ENROLMENT_CLASS_FOREIGN_KEY } from '../entities/enrolment.entity.js';

/** No student has the id (the enrolment's foreign key to `students` failed). */
export class StudentNotFoundError extends Error {
  override readonly name = 'StudentNotFoundError';

  constructor(readonly studentId: string) {
    super(`Student ${studentId} does not exist.`);
  }
}

/** The student is enrolled in the class already (the enrolment's key is taken). */
export class AlreadyEnrolledError extends Error {
  override readonly name = 'AlreadyEnrolledError';

  constructor(
    readonly classId: string,
    readonly studentId: string,
  ) {
    super(`Student ${studentId} is enrolled in class ${classId} already.`);
  }
}

/**
 * What a failed `INSERT enrolments` means for the enrolment of `studentId` in `classId`: a taken key
 * (23505) is `AlreadyEnrolledError`, a foreign key (23503) an unknown class or student. Any other
 * error is returned as it is.
 */
export function toEnrolmentError(error: unknown, classId: string, studentId: string): unknown {
  switch (sqlStateOf(error)) {
    case UNIQUE_VIOLATION:
      return new AlreadyEnrolledError(classId, studentId);
    case FOREIGN_KEY_VIOLATION:
      return violatedConstraintOf(error) === ENROLMENT_CLASS_FOREIGN_KEY
        ? new ClassNotFoundError(classId)
        : new StudentNotFoundError(studentId);
    default:
      return error;
  }
}
