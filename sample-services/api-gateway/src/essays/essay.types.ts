/** Body of `POST /essays`, forwarded to the file service's `POST /files`. */
export interface UploadEssayRequest {
  fileName: string;
  /** `text/plain` or `text/markdown`; the file service validates it. */
  contentType: string;
  text: string;
}

/** The answer to `POST /essays`. The essay id is the content id: `GET /essays/:id` reads it back. */
export interface UploadEssayResponse {
  essayId: string;
  fileId: string;
  contentId: string;
}

/** The answer to `GET /essays/:id`. */
export interface EssayView {
  essayId: string;
  contentType: string;
  /** Size of the text in bytes (UTF-8). */
  size: number;
  text: string;
}

/** What the file service answers to `POST /files`. */
export interface FileUploadResult {
  fileId: string;
  contentId: string;
}

/** What the content service answers to `GET /content/:id`. */
export interface StoredContent {
  contentId: string;
  contentType: string;
  size: number;
  text: string;
}
