import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Student } from '../entities/student.entity.js';
import { StudentsController } from './students.controller.js';
import { StudentsService } from './students.service.js';

/** Students: the route that adds them and the traced service over the `students` table. */
@Module({
  imports: [TypeOrmModule.forFeature([Student])],
  controllers: [StudentsController],
  providers: [StudentsService],
})
export class StudentsModule {}
