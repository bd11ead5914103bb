import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { ContentNotFoundError } from './content-not-found.error.js';
import { ContentService } from './content.service.js';
import type { StoreContentRequest, StoredContent, StoredContentSummary } from './content.types.js';

/** `POST /content` stores a text; `GET /content/:id` reads it back (404 when unknown). */
@Controller('content')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Post()
  async store(@Body() body: StoreContentRequest | undefined): Promise<StoredContentSummary> {
    if (typeof body?.text !== 'string' || body.text.length === 0) {
      throw new BadRequestException('text must be a non-empty string.');
    }
    return this.content.store(body.text);
  }

  @Get(':id')
  async read(@Param('id') contentId: string): Promise<StoredContent> {
    try {
      return await this.content.retrieve(contentId);
    } catch (error) {
      if (error instanceof ContentNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
