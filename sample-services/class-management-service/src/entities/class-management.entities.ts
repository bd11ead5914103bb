import { Enrolment } from './enrolment.entity.js';
import { SchoolClass } from './school-class.entity.js';
import { Student } from './student.entity.js';

/** Every entity of the service, for the data source and `TypeOrmModule.forFeature()`. */
export const CLASS_MANAGEMENT_ENTITIES = [SchoolClass, Student, Enrolment] as const;
