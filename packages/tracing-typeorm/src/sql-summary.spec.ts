import { describe, expect, it } from '@jest/globals';
import { sanitiseSql, summariseSql, truncate } from './sql-summary.js';

describe('summariseSql', () => {
  it.each([
    ['SELECT "e"."id" FROM "essays" "e" WHERE "e"."id" = $1', 'SELECT', 'essays'],
    ['INSERT INTO "public"."essays"("title") VALUES ($1) RETURNING "id"', 'INSERT', 'essays'],
    ['UPDATE "essays" SET "title" = $1 WHERE "id" = $2', 'UPDATE', 'essays'],
    ['DELETE FROM essays WHERE id = $1', 'DELETE', 'essays'],
    ['WITH recent AS (SELECT * FROM "essays") SELECT * FROM recent', 'SELECT', 'essays'],
    ['START TRANSACTION', 'START TRANSACTION', undefined],
    ['COMMIT', 'COMMIT', undefined],
    ['select count(*) from "we""ird"', 'SELECT', 'we"ird'],
  ])('%s', (sql, operation, collection) => {
    expect(summariseSql(sql)).toEqual({ operation, collection });
  });
});

describe('sanitiseSql', () => {
  it('replaces string, dollar-quoted and numeric literals, keeping identifiers and placeholders', () => {
    expect(
      sanitiseSql(`SELECT * FROM "t2" WHERE name = 'O''Brien' AND score > -4.5 AND note = $tag$x$tag$ AND id = $1`),
    ).toBe('SELECT * FROM "t2" WHERE name = ? AND score > ? AND note = ? AND id = $1');
  });
});

describe('truncate', () => {
  it('keeps short texts and cuts long ones with an ellipsis', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
  });
});
