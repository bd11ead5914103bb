import { Body, Controller, Post } from '@nestjs/common';
import { requireText } from '../validation/request-fields.js';
import type { RequestBody } from '../validation/request-fields.js';
import { StudentsService } from './students.service.js';
import type { StudentSummary } from './students.types.js';

/** `POST /students` adds a student, to enrol in classes afterwards. */
@Controller('students')
export class StudentsController {
  constructor(private readonly students: StudentsService) {}

  @Post()
  async add(@Body() body: RequestBody): Promise<StudentSummary> {
    return this.students.create({ name: requireText(body, 'name', 200) });
  }
}
