import { Writable } from 'node:stream';
import { jest } from '@jest/globals';

/** What a logger wrote, line by line. */
export interface CapturedLines {
  /** Every line written so far, each with its trailing newline. */
  lines(): string[];
  /** The lines parsed as JSON. */
  records(): Record<string, unknown>[];
}

function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

function parsed(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A real writable stream that keeps what is written to it (a pino destination, a winston Stream transport). */
export function collectingStream(): CapturedLines & { stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => splitLines(text), records: () => parsed(splitLines(text)) };
}

/**
 * What is written to `process.stdout` and `process.stderr` while it is installed: `write` is spied on
 * and kept from reaching the terminal, everything else about the streams is real. `restore()` undoes it.
 */
export function captureProcessOutput(): CapturedLines & { restore(): void } {
  let text = '';
  const keep = (chunk: unknown): boolean => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(keep);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(keep);
  return {
    lines: () => splitLines(text),
    records: () => parsed(splitLines(text)),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
