import { Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { safeExecute } from '../utils/safe-execute.js';
import { HTTP_TRACING_OPTIONS } from './http-tracing.tokens.js';
import type { ResolvedHttpOptions } from './resolve-http-options.js';
import { serverSpanStateOf, setServerRoute } from './server-span.state.js';

type HttpRequest = { raw?: object; route?: { path?: unknown }; routeOptions?: { url?: unknown } };

/**
 * Adds to the request's SERVER span what is known only once guards have run: `user.id`, the
 * framework's matched route when the route table had none, and the error a handler threw (for the
 * span's status when the response ends). Other context types (RPC, WebSocket) pass through.
 */
@Injectable()
export class HttpTracingInterceptor implements NestInterceptor {
  constructor(@Inject(HTTP_TRACING_OPTIONS) private readonly options: ResolvedHttpOptions | undefined) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options || execution.getType() !== 'http') return next.handle();
    const request = execution.switchToHttp().getRequest<HttpRequest>();
    const state = serverSpanStateOf(request.raw ?? request);
    if (!state || state.enriched) return next.handle();
    state.enriched = true;
    if (state.route === undefined) {
      const route = request.routeOptions?.url ?? request.route?.path;
      if (typeof route === 'string') setServerRoute(state, route);
    }
    const userId = safeExecute('http.userId', () => this.options!.userId(request));
    if (userId !== undefined && state.span.isRecording()) state.span.setAttribute('user.id', String(userId));
    return next.handle().pipe(
      tap({
        error: (error: unknown) => {
          state.error = error;
        },
      }),
    );
  }
}
