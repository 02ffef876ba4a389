import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { bootstrap } from '../bootstrap';
import { createDb, createPool } from '../db/db';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { keepTestExitCode } from './exit-code';

export const TEST_ADMIN_PASSWORD = 'Admin#Test2026';
export const TEMPLATE_DB = 'fupin_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/**
 * One PostgreSQL for the whole API run: DATABASE_URL when set (CI's compatibility run on
 * Debian's PostgreSQL 15), otherwise an embedded server in a temporary directory. A template
 * database is migrated once; every test file clones it (CREATE DATABASE … TEMPLATE), so files
 * never see each other's rows.
 */
export default async function setup(project: TestProject) {
  keepTestExitCode();
  let adminUrl: string;
  let stop: (() => Promise<void>) | null = null;
  let tmp: string | null = null;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-test-pg-'));
    const port = 56000 + Math.floor(Math.random() * 8000);
    const h = await startEmbeddedPostgres({ dataDir: tmp, port });
    adminUrl = h.url;
    stop = h.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  const pool = createPool(url.toString(), 4);
  await migrate(pool);
  const db = createDb(pool);
  await bootstrap(db, { adminPassword: TEST_ADMIN_PASSWORD });
  await db.destroy();
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    const leftovers = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'fupin_t_%'`);
    for (const r of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (stop) await stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
}
