import type { SchoolClass } from '../entities/school-class.entity.js';
import type { ClassSummary } from './classes.types.js';

/** The route's view of a `classes` row. */
export function toClassSummary(schoolClass: SchoolClass): ClassSummary {
  return {
    id: schoolClass.id,
    name: schoolClass.name,
    type: schoolClass.classType,
    instructorId: schoolClass.instructorId,
    createdAt: schoolClass.createdAt.toISOString(),
  };
}
