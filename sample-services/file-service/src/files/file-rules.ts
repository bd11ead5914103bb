/** Largest accepted file, in bytes of UTF-8 text: 1 MB. */
export const MAX_FILE_SIZE_BYTES = 1024 * 1024;

/** Media types the platform accepts for essays. */
export const ALLOWED_FILE_TYPES: ReadonlySet<string> = new Set(['text/plain', 'text/markdown']);

/** Longest accepted file name. */
export const MAX_FILE_NAME_LENGTH = 255;

/** The media type of a `Content-Type`-like value without parameters, lower case; undefined if not a string. */
export function mediaTypeOf(contentType: unknown): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  return contentType.split(';', 1)[0].trim().toLowerCase();
}
