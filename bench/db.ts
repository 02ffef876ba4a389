import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../packages/server/src/db/embedded';

/**
 * A throw-away database for one benchmark run: a fresh database on the server of
 * `DATABASE_URL` when it is set, otherwise an embedded PostgreSQL in a temporary directory.
 * `close` drops it (or stops the server and removes the directory).
 */
export async function openBenchDatabase(prefix: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `${prefix.replace(/-/g, '_')}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      close: async () => {
        const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const h = await startEmbeddedPostgres({ dataDir: dir, port: 57000 + Math.floor(Math.random() * 2000) });
  return {
    url: h.url,
    close: async () => {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
