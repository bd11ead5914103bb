import { Controller, Get } from '@nestjs/common';

/** Liveness for process managers and the test harness; HTTP tracing leaves `/health` untraced. */
@Controller('health')
export class HealthController {
  @Get()
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
