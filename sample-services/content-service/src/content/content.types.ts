/** The content types the store tells apart. */
export type ContentType = 'text/plain' | 'text/markdown';

/** A stored text and what the store knows about it. */
export interface StoredContent {
  contentId: string;
  contentType: ContentType;
  /** Size of the text in bytes (UTF-8). */
  size: number;
  text: string;
  /** ISO 8601 timestamp. */
  storedAt: string;
}

/** The answer to `POST /content`: the new id and what was detected, without the text. */
export type StoredContentSummary = Pick<StoredContent, 'contentId' | 'contentType' | 'size'>;

/** Body of `POST /content`. */
export interface StoreContentRequest {
  text: string;
}
