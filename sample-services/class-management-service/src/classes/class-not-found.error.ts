/** No class has the id. */
export class ClassNotFoundError extends Error {
  override readonly name = 'ClassNotFoundError';

  constructor(readonly classId: string) {
    super(`Class ${classId} does not exist.`);
  }
}
