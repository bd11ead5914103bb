import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enrolment } from '../entities/enrolment.entity.js';
import { SchoolClass } from '../entities/school-class.entity.js';
import { ClassesController } from './classes.controller.js';
import { ClassesService } from './classes.service.js';

/** Classes: their routes and the traced service over the `classes` and `enrolments` tables. */
@Module({
  imports: [TypeOrmModule.forFeature([SchoolClass, Enrolment])],
  controllers: [ClassesController],
  providers: [ClassesService],
  exports: [ClassesService],
})
export class ClassesModule {}
