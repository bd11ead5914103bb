/** The content service could not store the text (unreachable, or it answered with an error); the route answers 502. */
export class ContentStorageError extends Error {
  override readonly name = 'ContentStorageError';
}
