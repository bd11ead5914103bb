/** No content is stored under the id. */
export class ContentNotFoundError extends Error {
  override readonly name = 'ContentNotFoundError';

  constructor(readonly contentId: string) {
    super(`Content ${contentId} does not exist.`);
  }
}
