import type { AuthenticatedUser } from './authenticated-user.js';

/**
 * The sample's users, by bearer token. A real gateway verifies a signed token (JWT) instead; a
 * table keeps the sample self-contained.
 */
export const BEARER_TOKENS: ReadonlyMap<string, AuthenticatedUser> = new Map([
  ['teacher-token', { id: 'user-teacher-1', name: 'Teacher One' }],
  ['student-token', { id: 'user-student-1', name: 'Student One' }],
]);
