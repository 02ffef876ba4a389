import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

// Tables that stay small enough to be Citus reference tables (docs/scale-out.md).
const REFERENCE_TABLES = new Set([
  'area', 'org', 'role', 'role_permission', 'app_user', 'user_role', 'user_scope_area', 'session',
  'dict_type', 'dict_item', 'calendar_override', 'sys_param', 'job', 'schema_migration',
  // distributed by id_number, not county (anchors.md: global uniqueness of a resident ID)
  'person_id_index',
  // registry: per-province poverty lines (small); import uploads and their transient staging
  // rows, and quality-run records, are per operation, not per person (docs/registry.md)
  'poverty_line', 'registry_import', 'registry_import_row', 'registry_quality_run',
]);

describe('schema rules for scale-out', () => {
  it('every large table has county_code in its primary key and in every unique key', async () => {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(t.db);
    const large = tables.rows.map((r) => r.table_name).filter((n) => !REFERENCE_TABLES.has(n));
    expect(large).toContain('household');
    expect(large).toContain('audit_log');
    const problems: string[] = [];
    for (const table of large) {
      const cols = await sql<{ column_name: string }>`
        SELECT column_name FROM information_schema.columns WHERE table_schema='public' AND table_name=${table}`.execute(t.db);
      if (!cols.rows.some((c) => c.column_name === 'county_code')) {
        problems.push(`${table}: 没有 county_code 列`);
        continue;
      }
      const keys = await sql<{ conname: string; contype: string; cols: string[] }>`
        SELECT c.conname, c.contype, array_agg(a.attname::text) AS cols
        FROM pg_constraint c
        JOIN pg_class r ON r.oid = c.conrelid
        JOIN unnest(c.conkey) k(attnum) ON true
        JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum
        WHERE r.relname = ${table} AND c.contype IN ('p','u')
        GROUP BY c.conname, c.contype`.execute(t.db);
      if (!keys.rows.some((k) => k.contype === 'p')) problems.push(`${table}: 没有主键`);
      for (const k of keys.rows) if (!k.cols.includes('county_code')) problems.push(`${table}.${k.conname}: 键不含 county_code`);
      const uniqueIdx = await sql<{ indexname: string; indexdef: string }>`
        SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ${table} AND indexdef LIKE 'CREATE UNIQUE%'`.execute(t.db);
      for (const i of uniqueIdx.rows) if (!i.indexdef.includes('county_code')) problems.push(`${table}.${i.indexname}: 唯一索引不含 county_code`);
    }
    expect(problems).toEqual([]);
  });

  it('publishes an OpenAPI 3 document with an operationId and a tag for every endpoint', async () => {
    const r = await t.client().get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    const missing: string[] = [];
    let count = 0;
    for (const [path, ops] of Object.entries<Record<string, { operationId?: string; tags?: string[] }>>(r.body.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        count++;
        if (!op.operationId) missing.push(`${method.toUpperCase()} ${path}: operationId`);
        if (!op.tags?.length) missing.push(`${method.toUpperCase()} ${path}: tag`);
      }
    }
    expect(count).toBeGreaterThan(3);
    expect(missing).toEqual([]);
    const ids = Object.values<Record<string, { operationId?: string }>>(r.body.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers health with the database status', async () => {
    const r = await t.client().get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body.database.ok).toBe(true);
    expect(Number(r.body.database.version.split('.')[0])).toBeGreaterThanOrEqual(15);
  });

  it('answers unknown routes and server errors with the envelope and a request id', async () => {
    const r = await t.client().get('/api/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('E1404');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses oversized bodies with 413', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(2_000_000), password: 'y' });
    const r = await t.client().req('POST', '/api/auth/login', big);
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(/过大/);
  });
});
