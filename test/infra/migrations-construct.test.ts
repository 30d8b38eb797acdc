import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../functions/http-routes';
import { digestSqlDirectory, sqlCopyCommands } from '../../lib/constructs/migrations';
import { ROUTE_ACCESS } from '../../lib/token-service-stack';

describe('digestSqlDirectory', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'token-service-sql-'));
    writeFileSync(join(directory, '0001_add_a.sql'), 'CREATE TABLE a (id int);\n');
    writeFileSync(join(directory, '0002_add_b.sql'), 'CREATE TABLE b (id int);\n');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lists the SQL files in the order they are applied, ignoring anything else', () => {
    writeFileSync(join(directory, 'README.md'), 'notes');
    expect(digestSqlDirectory(directory).names).toEqual(['0001_add_a.sql', '0002_add_b.sql']);
  });

  it('changes when a file is edited, added or removed, so CloudFormation re-runs the migrations', () => {
    const original = digestSqlDirectory(directory).hash;
    writeFileSync(join(directory, '0002_add_b.sql'), 'CREATE TABLE b (id bigint);\n');
    const edited = digestSqlDirectory(directory).hash;
    writeFileSync(join(directory, '0003_add_c.sql'), 'CREATE TABLE c (id int);\n');
    const added = digestSqlDirectory(directory).hash;
    rmSync(join(directory, '0001_add_a.sql'));
    const removed = digestSqlDirectory(directory).hash;
    expect(new Set([original, edited, added, removed]).size).toBe(4);
  });

  it('does not change with line endings or with nothing changed', () => {
    const original = digestSqlDirectory(directory).hash;
    expect(digestSqlDirectory(directory).hash).toBe(original);
    writeFileSync(join(directory, '0001_add_a.sql'), 'CREATE TABLE a (id int);\r\n');
    expect(digestSqlDirectory(directory).hash).toBe(original);
  });

  it('copies the files next to the bundle, even from a path with spaces and quotes', () => {
    const source = join(directory, "it's sql");
    mkdirSync(source);
    writeFileSync(join(source, '0001_add_a.sql'), 'SELECT 1;');
    const output = join(directory, 'bundle out');
    mkdirSync(output);
    for (const command of sqlCopyCommands(source, output)) execFileSync('bash', ['-c', command]);
    expect(readdirSync(join(output, 'sql'))).toEqual(['0001_add_a.sql']);
  });
});

describe('ROUTE_ACCESS', () => {
  it('names only routes that exist, so renaming a handler is noticed instead of silently dropping its access', () => {
    const handlers = new Set(HTTP_ROUTES.map((route) => route.handler));
    for (const handler of Object.keys(ROUTE_ACCESS)) expect(handlers).toContain(handler);
  });
});
