import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { connectionAttributes } from './database-span.js';

describe('connectionAttributes', () => {
  it('reads system, namespace, host and port from the URL of a data source not yet initialised', () => {
    const dataSource = new DataSource({ type: 'postgres', url: 'postgres://app@db.internal:6543/essays' });
    expect(connectionAttributes(dataSource)).toEqual({
      'db.system.name': 'postgresql',
      'db.namespace': 'essays',
      'server.address': 'db.internal',
      'server.port': 6543,
    });
  });

  it("qualifies PostgreSQL's schema by the database, as the semantic conventions write the namespace", () => {
    const dataSource = new DataSource({ type: 'postgres', host: '127.0.0.1', database: 'essays', schema: 'grading' });
    expect(connectionAttributes(dataSource)).toMatchObject({ 'db.namespace': 'essays|grading' });
  });

  it('lets explicit options win over the URL', () => {
    const dataSource = new DataSource({ type: 'postgres', url: 'postgres://h:1/a', host: 'primary', database: 'b' });
    expect(connectionAttributes(dataSource)).toMatchObject({
      'db.namespace': 'b',
      'server.address': 'primary',
      'server.port': 1,
    });
  });
});
