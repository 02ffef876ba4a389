import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { verifyAuditChain } from '../audit/verify';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { createDb, createPool, type Db } from '../db/db';
import { migrate } from '../db/migrate';
import { loadDemo } from '../demo/generate';
import { Client, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../test/harness';
import { backupDatabase, readManifest, restoreDatabase, type BackupResult } from './dump';

/** An empty database with the migrations applied (no bootstrap: exactly what `npx fupin restore` sees). */
async function emptyDatabase(): Promise<{ pool: pg.Pool; db: Db; url: string }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `fupin_t_${randomBytes(6).toString('hex')}`; // the global teardown drops fupin_t_*
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 4);
  await migrate(pool);
  return { pool, db: createDb(pool), url: url.toString() };
}

/** Row count and an md5 over every row (as PostgreSQL prints it), computed by SQL, independent of the backup code. */
async function fingerprint(pool: pg.Pool, table: string, key: string) {
  const r = await pool.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${key}), '')) AS d FROM ${table} t`);
  return r.rows[0] as { n: number; d: string };
}

const TABLES: [string, string][] = [
  ['area', 'code'],
  ['org', 'id'],
  ['role', 'id'],
  ['role_permission', 'role_id, permission'],
  ['app_user', 'id'],
  ['user_role', 'user_id, role_id'],
  ['audit_log', 'county_code, id'],
  ['dict_item', 'type_code, code'],
  ['sys_param', 'key'],
  ['household', 'county_code, id'],
  ['person', 'county_code, id'],
  ['person_id_index', 'id_number'],
];

describe('backup and restore', () => {
  let src: TestApp;
  let dir: string;
  let file: string;
  let backup: BackupResult;

  beforeAll(async () => {
    src = await startTestApp();
    await loadDemo(src.db, src.pool, { scale: 'township', seed: 3 });
    // A session exists in the source; it is deliberately not carried over.
    await (await src.admin()).get('/api/auth/me');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-backup-test-'));
    file = path.join(dir, 'b.backup.gz');
    backup = await backupDatabase(src.pool, file);
  });
  afterAll(async () => {
    await src?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a manifest with the migrations and, per table, the row count', async () => {
    const m = await readManifest(file);
    expect(m.format).toBe(1);
    const applied = (await src.pool.query(`SELECT name FROM schema_migration ORDER BY name`)).rows.map((r) => r.name);
    expect(m.migrations).toEqual(applied);
    const names = m.tables.map((t) => t.name);
    expect(names).not.toContain('session');
    expect(names).not.toContain('schema_migration');
    for (const [table] of TABLES) {
      const t = m.tables.find((x) => x.name === table)!;
      expect(t.rows, table).toBe((await fingerprint(src.pool, table, '1')).n);
      expect(t.checksum).toMatch(/^[0-9a-f]{32}$/);
    }
    // Parents come before children.
    expect(names.indexOf('household')).toBeLessThan(names.indexOf('person'));
    expect(names.indexOf('area')).toBeLessThan(names.indexOf('org'));
    expect(names.indexOf('org')).toBeLessThan(names.indexOf('app_user'));
    expect(names.indexOf('role')).toBeLessThan(names.indexOf('user_role'));
  });

  it('restores into a fresh empty database with identical rows, a valid audit chain and working sequences and logins', async () => {
    const dst = await emptyDatabase();
    try {
      const r = await restoreDatabase(dst.pool, file);
      expect(r.tables.every((t) => t.ok)).toBe(true);
      expect(r.tables.map((t) => [t.name, t.rows, t.checksum])).toEqual(backup.manifest.tables.map((t) => [t.name, t.rows, t.checksum]));
      // Independently of the backup code: the same rows, compared by SQL.
      for (const [table, key] of TABLES) {
        expect(await fingerprint(dst.pool, table, key), table).toEqual(await fingerprint(src.pool, table, key));
      }
      expect((await dst.pool.query(`SELECT count(*)::int AS n FROM session`)).rows[0].n).toBe(0);
      const chain = await verifyAuditChain(dst.db);
      expect(chain).toMatchObject({ ok: true });
      expect(chain.rows).toBe((await fingerprint(src.pool, 'audit_log', 'id')).n);

      // Sequences continue after the restored ids.
      const maxOrg = (await dst.pool.query(`SELECT max(id)::int AS m FROM org`)).rows[0].m;
      const org = await dst.pool.query(`INSERT INTO org (name, kind, area_code) VALUES ('恢复后新建单位', 'unit', '459821') RETURNING id`);
      expect(Number(org.rows[0].id)).toBeGreaterThan(maxOrg);
      const maxPerson = (await dst.pool.query(`SELECT max(id)::int AS m FROM person`)).rows[0].m;
      const next = await dst.pool.query(`SELECT nextval(pg_get_serial_sequence('person', 'id'))::int AS n`);
      expect(next.rows[0].n).toBeGreaterThan(maxPerson);

      // The restored database serves: the administrator and a demo user log in.
      const config = loadConfig({ ...process.env, DATABASE_URL: dst.url, LOG_LEVEL: 'silent' });
      const app = await buildApp({ db: dst.db, pool: dst.pool, config, logger: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const addr = app.server.address();
        const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
        await new Client(base).login('admin', TEST_ADMIN_PASSWORD);
        const demo = await new Client(base).post('/api/auth/login', { username: 'st459821001', password: 'Demo#2026' });
        expect(demo.status).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      await dst.db.destroy();
    }
  });

  it('refuses to restore into a database that already holds data, and changes nothing there', async () => {
    const before = await fingerprint(src.pool, 'person', 'county_code, id');
    await expect(restoreDatabase(src.pool, file)).rejects.toThrow(/目标数据库不是空的/);
    expect(await fingerprint(src.pool, 'person', 'county_code, id')).toEqual(before);
  });

  it('rejects a tampered file on checksum and leaves the target empty', async () => {
    // Change one person's name in the data, keep the manifest: counts agree, the checksum must not.
    const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
    const lines = text.split('\n');
    const start = lines.indexOf('#TABLE person');
    const row = lines[start + 1].split('\t');
    const nameCol = backup.manifest.tables.find((t) => t.name === 'person')!.columns.indexOf('name');
    row[nameCol] = row[nameCol] === '张三' ? '李四' : '张三';
    lines[start + 1] = row.join('\t');
    const tampered = path.join(dir, 'tampered.backup.gz');
    fs.writeFileSync(tampered, zlib.gzipSync(lines.join('\n')));

    const dst = await emptyDatabase();
    try {
      await expect(restoreDatabase(dst.pool, tampered)).rejects.toThrow(/校验不一致.*person/);
      const left = await dst.pool.query(`SELECT (SELECT count(*) FROM person)::int AS p, (SELECT count(*) FROM area)::int AS a, (SELECT count(*) FROM dict_item)::int AS d`);
      expect(left.rows[0].p).toBe(0);
      expect(left.rows[0].a).toBe(0);
      expect(left.rows[0].d).toBeGreaterThan(0); // the migration's own dictionary rows are still there
    } finally {
      await dst.db.destroy();
    }
  });

  it('rejects a file cut short and a file that is not a backup', async () => {
    const whole = fs.readFileSync(file);
    const cut = path.join(dir, 'cut.backup.gz');
    fs.writeFileSync(cut, zlib.gzipSync(zlib.gunzipSync(whole).subarray(0, Math.floor(whole.length / 2))));
    const notBackup = path.join(dir, 'not.gz');
    fs.writeFileSync(notBackup, zlib.gzipSync('hello\nworld\n'));
    const dst = await emptyDatabase();
    try {
      await expect(restoreDatabase(dst.pool, cut)).rejects.toThrow(/不完整|损坏|校验不一致/);
      await expect(restoreDatabase(dst.pool, notBackup)).rejects.toThrow(/不是扶贫工作站的备份文件/);
      expect((await dst.pool.query(`SELECT count(*)::int AS n FROM area`)).rows[0].n).toBe(0);
    } finally {
      await dst.db.destroy();
    }
  });
});
