/** What a span name and its attributes say about one SQL statement. */
export interface SqlSummary {
  /** `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `START TRANSACTION`, ... (upper case). */
  readonly operation: string;
  /** The first table the statement names, without schema quotes; undefined when none is found. */
  readonly collection: string | undefined;
}

const IDENTIFIER = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`;
const QUALIFIED = String.raw`(?:${IDENTIFIER}\s*\.\s*)?${IDENTIFIER}`;
const TABLE_AFTER = {
  SELECT: new RegExp(String.raw`\bFROM\s+${QUALIFIED}`, 'i'),
  INSERT: new RegExp(String.raw`\bINTO\s+${QUALIFIED}`, 'i'),
  UPDATE: new RegExp(String.raw`^\s*UPDATE\s+(?:ONLY\s+)?${QUALIFIED}`, 'i'),
  DELETE: new RegExp(String.raw`\bFROM\s+(?:ONLY\s+)?${QUALIFIED}`, 'i'),
} as const;
const TWO_WORD_OPERATIONS = new Set(['START TRANSACTION', 'RELEASE SAVEPOINT', 'ROLLBACK TO']);

function tableFrom(match: RegExpExecArray | null): string | undefined {
  if (!match) return undefined;
  // groups 1/2: the schema, when qualified; 3 (quoted) or 4 (plain): the table
  const quoted = match[3];
  return quoted !== undefined ? quoted.replace(/""/g, '"') : match[4];
}

/**
 * The operation and the first table of a statement, read from its text: enough for the span name
 * `{operation} {table}` (`SELECT essays`). A statement it cannot read gives its first word.
 */
export function summariseSql(sql: string): SqlSummary {
  const words = /^\s*(?:\(\s*)*([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(sql);
  const first = words?.[1]?.toUpperCase() ?? 'QUERY';
  const twoWords = words?.[2] ? `${first} ${words[2].toUpperCase()}` : first;
  const operation = TWO_WORD_OPERATIONS.has(twoWords) ? twoWords : first;
  const pattern =
    operation === 'WITH' ? TABLE_AFTER.SELECT : (TABLE_AFTER as Record<string, RegExp | undefined>)[operation];
  return {
    operation: operation === 'WITH' ? 'SELECT' : operation,
    collection: pattern ? tableFrom(pattern.exec(sql)) : undefined,
  };
}

/**
 * `sql` with its literal values replaced by `?`: quoted strings, dollar-quoted strings, numbers,
 * booleans-as-literals are left (they carry no data). Identifiers in double quotes and
 * placeholders (`$1`) are kept. For raw queries, where values may be written into the text.
 */
export function sanitiseSql(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, '?')
    .replace(/(?:[Ee])?'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w$."])-?\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b/g, '?');
}

/** `text` cut to `limit` characters, marked with an ellipsis when cut. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - 1))}…`;
}
