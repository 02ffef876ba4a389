import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { serverRoot } from '../config';

export const migrationsDir = path.join(serverRoot, 'migrations');

/**
 * Applies numbered plain-SQL migrations (NNN_name.sql) in order, each in its own transaction,
 * under an advisory lock so two servers starting at once do not race. A shipped migration is
 * never edited: its checksum is stored and a changed file stops the start-up.
 */
export async function migrate(pool: pg.Pool, log: (m: string) => void = () => {}): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query(`SELECT pg_advisory_lock(74210001)`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM schema_migration`)).rows.map(
        (r) => [r.name, r.checksum],
      ),
    );
    const files = fs
      .readdirSync(migrationsDir)
      .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
      .sort();
    const { createHash } = await import('node:crypto');
    for (const file of files) {
      const sql = fs.readFileSync(path.join(migrationsDir, file), 'utf8');
      const sum = createHash('sha256').update(sql).digest('hex');
      const known = done.get(file);
      if (known) {
        if (known !== sum) throw new Error(`迁移文件 ${file} 在执行后被修改过（校验和不符），请新建迁移而不是修改旧的`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(`INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)`, [file, sum]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`迁移 ${file} 失败: ${(e as Error).message}`);
      }
      applied.push(file);
      log(`已执行迁移 ${file}`);
    }
  } finally {
    await client.query(`SELECT pg_advisory_unlock(74210001)`).catch(() => {});
    client.release();
  }
  return applied;
}
