import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { setAttributes, traceOperation } from '@huleedu/nest-tracing';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user.js';
import { BEARER_TOKENS } from './bearer-tokens.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Why a request was not authenticated (the value of `auth.failure`). */
type AuthenticationFailure = 'missing_token' | 'malformed_header' | 'unknown_token';

function reject(failure: AuthenticationFailure, message: string): never {
  setAttributes({ 'auth.result': 'rejected', 'auth.failure': failure });
  throw new UnauthorizedException(message);
}

function authenticate(authorization: string | string[] | undefined): AuthenticatedUser {
  if (authorization === undefined) reject('missing_token', 'Send Authorization: Bearer <token>.');
  const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  if (token === undefined) reject('malformed_header', 'The Authorization header must be "Bearer <token>".');
  const user = BEARER_TOKENS.get(token);
  if (!user) reject('unknown_token', 'The bearer token is not valid.');
  setAttributes({ 'auth.result': 'authenticated', 'user.id': user.id });
  return user;
}

/**
 * Authenticates `Authorization: Bearer <token>` against the token table and sets `request.user`;
 * answers 401 otherwise. The check is the span `gateway.route.authentication` (`auth.scheme`,
 * `auth.result`, `auth.failure` or `user.id`); the token itself is never recorded.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.user = traceOperation('gateway.route.authentication', { 'auth.scheme': 'bearer' }, () =>
      authenticate(request.headers.authorization),
    );
    return true;
  }
}
