import { Body, ConflictException, Controller, NotFoundException, Param, Post } from '@nestjs/common';
import { ClassNotFoundError } from '../classes/class-not-found.error.js';
import { requireUuid, requireUuidList } from '../validation/request-fields.js';
import type { RequestBody } from '../validation/request-fields.js';
import { AlreadyEnrolledError, StudentNotFoundError } from './enrolment.errors.js';
import { EnrolmentsService } from './enrolments.service.js';
import type { BulkEnrolmentResult, EnrolmentView } from './enrolments.types.js';

/** The most students one bulk enrolment takes. */
export const BULK_ENROLMENT_LIMIT = 500;

/** 404 for an unknown class or student, 409 for a student enrolled already; anything else as it is. */
function toHttpError(error: unknown): unknown {
  if (error instanceof ClassNotFoundError || error instanceof StudentNotFoundError) {
    return new NotFoundException(error.message);
  }
  if (error instanceof AlreadyEnrolledError) return new ConflictException(error.message);
  return error;
}

/**
 * `POST /classes/:id/enrolments` enrols one student; `POST /classes/:id/enrolments/bulk` enrols many,
 * all or none.
 */
@Controller('classes/:id/enrolments')
export class EnrolmentsController {
  constructor(private readonly enrolments: EnrolmentsService) {}

  @Post()
  async enrol(@Param('id') id: string, @Body() body: RequestBody): Promise<EnrolmentView> {
    const classId = requireUuid(id, 'id');
    const studentId = requireUuid(body?.studentId, 'studentId');
    try {
      return await this.enrolments.enrol(classId, studentId);
    } catch (error) {
      throw toHttpError(error);
    }
  }

  @Post('bulk')
  async enrolMany(@Param('id') id: string, @Body() body: RequestBody): Promise<BulkEnrolmentResult> {
    const classId = requireUuid(id, 'id');
    const studentIds = requireUuidList(body, 'studentIds', BULK_ENROLMENT_LIMIT);
    try {
      return await this.enrolments.enrolMany(classId, studentIds);
    } catch (error) {
      throw toHttpError(error);
    }
  }
}
