import { Injectable } from '@nestjs/common';
import { SpanAttribute, Traced } from '@huleedu/nest-tracing';
import { EmptyEssayError } from './empty-essay.error.js';
import type { Misspelling, SpellcheckResult } from './spellcheck.types.js';
import { suggestCorrection } from './suggest-correction.js';
import { ENGLISH_WORDS } from './word-list.js';

/** Words: runs of letters, with inner apostrophes kept (`don't`), digits and punctuation dropped. */
const WORD_PATTERN = /\p{L}+(?:['’]\p{L}+)*/gu;

/**
 * Spellchecks essays against a small English dictionary. Each step is a span: the essay
 * (`spellchecker.process.essay`) with the tokenizer and the dictionary lookup as its children.
 * Spans carry ids and counts only, never the essay's text or words.
 */
@Injectable()
export class SpellcheckService {
  /**
   * Check one essay: its word count and its misspellings, each with a suggestion when a known word
   * is close. Rejects with `EmptyEssayError` when the essay has no words.
   */
  @Traced('spellchecker.process.essay', {
    attributes: { 'spellcheck.language': 'en' },
    onResult: (result: SpellcheckResult) => ({
      'essay.word_count': result.wordCount,
      'spellcheck.error_count': result.misspellings.length,
    }),
  })
  async checkEssay(@SpanAttribute('essay.id') essayId: string, text: string): Promise<SpellcheckResult> {
    const words = this.tokenize(text);
    if (words.length === 0) throw new EmptyEssayError(essayId);
    const misspellings = await this.lookUpWords(words);
    return { essayId, wordCount: words.length, misspellings };
  }

  /** The essay's words, lower-cased, in order. */
  @Traced('spellchecker.process.tokenize', {
    attributes: (text: string) => ({ 'essay.character_count': text.length }),
    onResult: (words: string[]) => ({ 'spellcheck.token_count': words.length }),
  })
  tokenize(text: string): string[] {
    return (text.match(WORD_PATTERN) ?? []).map((word) => word.toLowerCase().replaceAll('’', "'"));
  }

  /** The words the dictionary does not know, with their positions and suggested corrections. */
  @Traced('spellchecker.process.dictionary_lookup', {
    attributes: (words: string[]) => ({ 'spellcheck.token_count': words.length }),
    onResult: (misspellings: Misspelling[]) => ({ 'spellcheck.error_count': misspellings.length }),
  })
  async lookUpWords(words: readonly string[]): Promise<Misspelling[]> {
    const dictionary = await this.loadDictionary();
    const misspellings: Misspelling[] = [];
    words.forEach((word, position) => {
      if (dictionary.has(word)) return;
      const suggestion = suggestCorrection(word, dictionary);
      misspellings.push(suggestion === undefined ? { word, position } : { word, position, suggestion });
    });
    return misspellings;
  }

  /**
   * The dictionary. Asynchronous because the platform's spellchecker loads its word lists from
   * storage; this sample serves the built-in list.
   */
  private loadDictionary(): Promise<ReadonlySet<string>> {
    return Promise.resolve(ENGLISH_WORDS);
  }
}
