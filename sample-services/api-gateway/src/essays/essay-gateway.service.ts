import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { AxiosResponse } from 'axios';
import { firstValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import { Traced } from '@huleedu/nest-tracing';
import { TracedCircuitBreaker } from '@huleedu/nest-tracing-resilience';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type {
  EssayView,
  FileUploadResult,
  StoredContent,
  UploadEssayRequest,
  UploadEssayResponse,
} from './essay.types.js';
import { toCallerError } from './to-caller-error.js';
import { UPSTREAM_URLS } from './upstream-urls.js';
import type { UpstreamUrls } from './upstream-urls.js';

/**
 * The gateway's essay routes: uploads go to the file service, reads to the content service, both
 * through `@nestjs/axios` (whose calls `TracingModule` traces as CLIENT spans and propagates), each
 * through its upstream's circuit breaker (a `resilience.{upstream}` span). Each route is a span, `gateway.route.upload_essay` or `gateway.route.read_essay`, with `user.id` and
 * ids, never the essay's text.
 */
@Injectable()
export class EssayGatewayService {
  constructor(
    private readonly http: HttpService,
    @Inject(UPSTREAM_URLS) private readonly upstreams: UpstreamUrls,
  ) {}

  /** Forward an essay to the file service (`POST /files`). */
  @Traced('gateway.route.upload_essay', {
    attributes: (user: AuthenticatedUser) => ({ 'user.id': user.id }),
    onResult: (result: UploadEssayResponse) => ({ 'essay.id': result.essayId, 'file.id': result.fileId }),
  })
  async uploadEssay(
    user: AuthenticatedUser,
    essay: Partial<UploadEssayRequest> | undefined,
  ): Promise<UploadEssayResponse> {
    const upload = { fileName: essay?.fileName, contentType: essay?.contentType, text: essay?.text };
    const { data } = await this.postToFileService(upload);
    return { essayId: data.contentId, fileId: data.fileId, contentId: data.contentId };
  }

  /** Read an essay from the content service (`GET /content/:id`). */
  @Traced('gateway.route.read_essay', {
    attributes: (user: AuthenticatedUser, essayId: string) => ({ 'user.id': user.id, 'essay.id': essayId }),
    onResult: (essay: EssayView) => ({ 'content.type': essay.contentType, 'content.size': essay.size }),
  })
  async readEssay(user: AuthenticatedUser, essayId: string): Promise<EssayView> {
    const { data } = await this.getFromContentService(essayId);
    return { essayId, contentType: data.contentType, size: data.size, text: data.text };
  }

  /** `POST /files`, through the file service's breaker: while it is open, the gateway answers at once. */
  @TracedCircuitBreaker('file-service')
  private postToFileService(upload: Partial<UploadEssayRequest>): Promise<AxiosResponse<FileUploadResult>> {
    return this.call('file-service', this.http.post<FileUploadResult>(`${this.upstreams.fileService}/files`, upload));
  }

  /** `GET /content/:id`, through the content service's breaker. */
  @TracedCircuitBreaker('content-service')
  private getFromContentService(essayId: string): Promise<AxiosResponse<StoredContent>> {
    return this.call(
      'content-service',
      this.http.get<StoredContent>(`${this.upstreams.contentService}/content/${encodeURIComponent(essayId)}`),
    );
  }

  private async call<T>(upstream: string, request: Observable<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
    try {
      return await firstValueFrom(request);
    } catch (error) {
      throw toCallerError(upstream, error);
    }
  }
}
