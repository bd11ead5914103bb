/** Who made the request, as the bearer-token guard resolved it. */
export interface AuthenticatedUser {
  id: string;
  name: string;
}

/** The part of an HTTP request the guard reads and writes (Express and Fastify alike). */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** Set by `BearerTokenGuard`; HTTP tracing reads `user.id` from here for the SERVER span. */
  user?: AuthenticatedUser;
}
