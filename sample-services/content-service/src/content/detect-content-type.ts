import type { ContentType } from './content.types.js';

/** Line-level Markdown markers: headings, list items, block quotes, fenced code. */
const MARKDOWN_LINE = /^(?:#{1,6}\s+\S|[-*+]\s+\S|\d+[.)]\s+\S|>\s?\S|```)/m;
/** Inline Markdown: links, images and emphasis with `**` or `__`. */
const MARKDOWN_INLINE = /!?\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*|__[^_\n]+__/;

/** `text/markdown` when the text uses Markdown structure, else `text/plain`. */
export function detectContentType(text: string): ContentType {
  return MARKDOWN_LINE.test(text) || MARKDOWN_INLINE.test(text) ? 'text/markdown' : 'text/plain';
}
