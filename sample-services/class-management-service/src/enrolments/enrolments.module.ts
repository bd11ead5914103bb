import { Module } from '@nestjs/common';
import { ClassesModule } from '../classes/classes.module.js';
import { EnrolmentsController } from './enrolments.controller.js';
import { EnrolmentsService } from './enrolments.service.js';

/** Enrolments of students in classes, one or many at a time (the data source's transactions). */
@Module({
  imports: [ClassesModule],
  controllers: [EnrolmentsController],
  providers: [EnrolmentsService],
})
export class EnrolmentsModule {}
