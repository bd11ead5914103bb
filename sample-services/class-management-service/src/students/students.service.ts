import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Traced, setAttributes } from '@huleedu/nest-tracing';
import { Student } from '../entities/student.entity.js';
import type { AddStudentRequest, StudentSummary } from './students.types.js';

/** Adds students, as the span `student.create` with `student.id` (never the name). */
@Injectable()
export class StudentsService {
  constructor(@InjectRepository(Student) private readonly students: Repository<Student>) {}

  /** Add a student under a new id: one `INSERT students`. */
  @Traced('student.create')
  async create(request: AddStudentRequest): Promise<StudentSummary> {
    const id = randomUUID();
    setAttributes({ 'student.id': id });
    const row = this.students.create({ id, name: request.name });
    await this.students.insert(row);
    return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
  }
}
