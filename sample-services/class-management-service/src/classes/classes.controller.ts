import { Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { requireText, requireUuid } from '../validation/request-fields.js';
import type { RequestBody } from '../validation/request-fields.js';
import { ClassNotFoundError } from './class-not-found.error.js';
import { ClassesService } from './classes.service.js';
import type { ClassDetails, ClassSummary } from './classes.types.js';

/** `POST /classes` creates a class; `GET /classes` lists them; `GET /classes/:id` reads one with its students. */
@Controller('classes')
export class ClassesController {
  constructor(private readonly classes: ClassesService) {}

  @Post()
  async create(@Body() body: RequestBody): Promise<ClassSummary> {
    return this.classes.create({
      name: requireText(body, 'name', 200),
      type: requireText(body, 'type', 64),
      instructorId: requireText(body, 'instructorId', 128),
    });
  }

  @Get()
  async list(@Query('instructorId') instructorId?: string): Promise<ClassSummary[]> {
    return this.classes.list(instructorId === undefined || instructorId === '' ? undefined : instructorId);
  }

  @Get(':id')
  async read(@Param('id') id: string): Promise<ClassDetails> {
    const classId = requireUuid(id, 'id');
    try {
      return await this.classes.retrieve(classId);
    } catch (error) {
      if (error instanceof ClassNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
