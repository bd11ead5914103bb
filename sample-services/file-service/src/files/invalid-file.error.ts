/** Why a file was refused (the value of `file.validation.failure`). */
export type InvalidFileReason = 'invalid_file_name' | 'unsupported_type' | 'missing_text' | 'empty' | 'too_large';

/** The uploaded file breaks a rule of `file-rules.ts`; the HTTP route answers 400. */
export class InvalidFileError extends Error {
  override readonly name = 'InvalidFileError';

  constructor(
    readonly reason: InvalidFileReason,
    message: string,
  ) {
    super(message);
  }
}
