import { Body, Controller, Get, Logger, Param, Post, UseGuards } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { BearerTokenGuard } from '../auth/bearer-token.guard.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { EssayGatewayService } from './essay-gateway.service.js';
import type { EssayView, UploadEssayRequest, UploadEssayResponse } from './essay.types.js';

/**
 * `POST /essays` (201 with the essay, file and content ids) and `GET /essays/:id`, for
 * authenticated users only. Upstream 4xx answers reach the caller with the same status.
 */
@Controller('essays')
@UseGuards(BearerTokenGuard)
export class EssaysController {
  private readonly logger = new Logger(EssaysController.name);

  constructor(private readonly essays: EssayGatewayService) {}

  @Post()
  async upload(
    @CurrentUser() user: AuthenticatedUser,
    @Body() essay: Partial<UploadEssayRequest> | undefined,
  ): Promise<UploadEssayResponse> {
    const uploaded = await this.essays.uploadEssay(user, essay);
    this.logger.log(`Essay ${uploaded.essayId} uploaded as file ${uploaded.fileId}`);
    return uploaded;
  }

  @Get(':id')
  read(@CurrentUser() user: AuthenticatedUser, @Param('id') essayId: string): Promise<EssayView> {
    return this.essays.readEssay(user, essayId);
  }
}
