import { BadGatewayException, GatewayTimeoutException, HttpException } from '@nestjs/common';
import { isAxiosError } from 'axios';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * What the gateway answers when a call to `upstream` failed: the upstream's 4xx with its body (a
 * missing essay stays 404, an invalid file stays 400), 504 when it timed out, 502 when it answered
 * 5xx or could not be reached. Errors that are not HTTP failures are returned unchanged.
 */
export function toCallerError(upstream: string, error: unknown): unknown {
  if (!isAxiosError(error)) return error;
  const status = error.response?.status;
  if (status !== undefined && status >= 400 && status < 500) {
    const body: unknown = error.response?.data;
    return new HttpException(
      typeof body === 'object' && body !== null ? body : { statusCode: status, message: String(body) },
      status,
      { cause: error },
    );
  }
  if (status !== undefined) return new BadGatewayException(`${upstream} answered ${status}.`, { cause: error });
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
    return new GatewayTimeoutException(`${upstream} did not answer in time.`, { cause: error });
  }
  return new BadGatewayException(`${upstream} is unreachable.`, { cause: error });
}
