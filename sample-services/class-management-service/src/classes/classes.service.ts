import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SpanAttribute, Traced, setAttributes } from '@huleedu/nest-tracing';
import { Enrolment } from '../entities/enrolment.entity.js';
import { SchoolClass } from '../entities/school-class.entity.js';
import { ClassNotFoundError } from './class-not-found.error.js';
import { toClassSummary } from './class-summary.js';
import type { ClassDetails, ClassSummary, CreateClassRequest } from './classes.types.js';

/** The most classes `GET /classes` answers, newest first. */
export const CLASS_LIST_LIMIT = 100;

/**
 * Creates, lists and reads classes. Each operation is a span (`class.create`, `class.list`,
 * `class.retrieve`) with the class's id, type and instructor; its statements are CLIENT spans below
 * it (from `TypeOrmTracingModule`). Names of classes and students are never recorded.
 */
@Injectable()
export class ClassesService {
  constructor(
    @InjectRepository(SchoolClass) private readonly classes: Repository<SchoolClass>,
    @InjectRepository(Enrolment) private readonly enrolments: Repository<Enrolment>,
  ) {}

  /** Create a class under a new id: one `INSERT classes`. */
  @Traced('class.create', {
    attributes: (request: CreateClassRequest) => ({
      'class.type': request.type,
      'instructor.id': request.instructorId,
    }),
  })
  async create(request: CreateClassRequest): Promise<ClassSummary> {
    const id = randomUUID();
    setAttributes({ 'class.id': id });
    const row = this.classes.create({
      id,
      name: request.name,
      classType: request.type,
      instructorId: request.instructorId,
    });
    // insert, not save: save would first look the new id up (one more SELECT) and never fails on a duplicate
    await this.classes.insert(row);
    return toClassSummary(row);
  }

  /** The newest classes (at most `CLASS_LIST_LIMIT`), of one instructor when `instructorId` is given. */
  @Traced('class.list', { onResult: (classes: ClassSummary[]) => ({ 'result.count': classes.length }) })
  async list(@SpanAttribute('instructor.id') instructorId?: string): Promise<ClassSummary[]> {
    const rows = await this.classes.find({
      where: instructorId === undefined ? {} : { instructorId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: CLASS_LIST_LIMIT,
    });
    return rows.map(toClassSummary);
  }

  /** The class and its students; rejects with `ClassNotFoundError` when no class has the id. */
  @Traced('class.retrieve', {
    onResult: (details: ClassDetails) => ({ 'class.student_count': details.students.length }),
  })
  async retrieve(@SpanAttribute('class.id') classId: string): Promise<ClassDetails> {
    const schoolClass = await this.findClass(classId);
    const enrolments = await this.enrolments.find({
      where: { classId },
      relations: { student: true },
      order: { enrolledAt: 'ASC', studentId: 'ASC' },
    });
    return {
      ...toClassSummary(schoolClass),
      students: enrolments.map((enrolment) => ({
        id: enrolment.studentId,
        name: enrolment.student?.name ?? '',
        enrolledAt: enrolment.enrolledAt.toISOString(),
      })),
    };
  }

  /**
   * The class with this id, its type and instructor set on the active span; rejects with
   * `ClassNotFoundError` when there is none.
   */
  async findClass(classId: string): Promise<SchoolClass> {
    const schoolClass = await this.classes.findOneBy({ id: classId });
    if (!schoolClass) throw new ClassNotFoundError(classId);
    setAttributes({ 'class.type': schoolClass.classType, 'instructor.id': schoolClass.instructorId });
    return schoolClass;
  }
}
