/** The topic the file service publishes to once an essay's text is stored. */
export const ESSAY_UPLOADED_TOPIC = 'essay.uploaded';

/** The `data` of an `essay.uploaded` envelope. */
export interface EssayUploadedData {
  /** The essay's id: the content id under which the content service keeps its text. */
  essay_id: string;
  file_id: string;
  content_id: string;
  /** Media type of the uploaded file (`text/plain`, `text/markdown`). */
  content_type: string;
  /** The extracted text, so the pipeline's services need not call the content service back. */
  text: string;
}
