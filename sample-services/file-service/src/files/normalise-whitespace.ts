/**
 * The text of an essay file with its whitespace normalised: `\n` line endings, runs of spaces and
 * tabs as one space, no spaces around line breaks, at most one blank line in a row, nothing
 * leading or trailing.
 */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
