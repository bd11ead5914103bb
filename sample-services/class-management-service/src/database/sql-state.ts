/** SQLSTATE of a unique constraint violation (a duplicate key). */
export const UNIQUE_VIOLATION = '23505';
/** SQLSTATE of a foreign key violation (a reference to a row that does not exist). */
export const FOREIGN_KEY_VIOLATION = '23503';

/** The database error behind a TypeORM `QueryFailedError` (or the pg error itself). */
interface DriverErrorLike {
  code?: unknown;
  constraint?: unknown;
  driverError?: { code?: unknown; constraint?: unknown };
}

/** The SQLSTATE of a failed statement, when the error carries one. */
export function sqlStateOf(error: unknown): string | undefined {
  const failure = error as DriverErrorLike | null | undefined;
  const code = failure?.driverError?.code ?? failure?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The name of the constraint a failed statement violated, when the error names one. */
export function violatedConstraintOf(error: unknown): string | undefined {
  const failure = error as DriverErrorLike | null | undefined;
  const constraint = failure?.driverError?.constraint ?? failure?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
