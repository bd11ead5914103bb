/** Base URLs of the services behind the gateway. */
export interface UpstreamUrls {
  fileService: string;
  contentService: string;
}

/** Injection token of the {@link UpstreamUrls}. */
export const UPSTREAM_URLS = Symbol('UPSTREAM_URLS');

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** `FILE_SERVICE_URL` and `CONTENT_SERVICE_URL`, else the local defaults (ports 3001 and 3002). */
export function upstreamUrlsFromEnv(): UpstreamUrls {
  return {
    fileService: withoutTrailingSlash(process.env.FILE_SERVICE_URL ?? 'http://127.0.0.1:3001'),
    contentService: withoutTrailingSlash(process.env.CONTENT_SERVICE_URL ?? 'http://127.0.0.1:3002'),
  };
}
