/** Body of `POST /files`: an essay file as text. */
export interface FileUploadRequest {
  fileName: string;
  /** Media type, `text/plain` or `text/markdown` (parameters such as `; charset=utf-8` are ignored). */
  contentType: string;
  text: string;
}

/** A file that passed validation. */
export interface ValidatedFile {
  fileName: string;
  /** The media type without parameters, lower case. */
  contentType: string;
  text: string;
  /** Size of the text in bytes (UTF-8). */
  size: number;
}

/** The answer to `POST /files`. */
export interface FileUploadResult {
  fileId: string;
  /** Where the content service keeps the extracted text. */
  contentId: string;
}
