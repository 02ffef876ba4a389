import type { Config } from '../config';
import { createDb, createPool, type Db } from './db';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import type pg from 'pg';

export type Connected = { db: Db; pool: pg.Pool; url: string; embedded: boolean; close: () => Promise<void> };

/** DATABASE_URL when given; otherwise the embedded server under FUPIN_DATA_DIR. Migrates. */
export async function connect(config: Config, log: (m: string) => void = () => {}, opts: { migrate?: boolean } = {}): Promise<Connected> {
  let url = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!url) {
    const h = await startEmbeddedPostgres({ dataDir: config.FUPIN_DATA_DIR, port: config.FUPIN_PG_PORT, log });
    url = h.url;
    stopEmbedded = h.stop;
    log(`嵌入式 PostgreSQL 已启动（数据目录 ${config.FUPIN_DATA_DIR}/pg，端口 ${config.FUPIN_PG_PORT}）`);
  }
  const pool = createPool(url);
  const db = createDb(pool);
  if (opts.migrate !== false) await migrate(pool, log);
  return {
    db,
    pool,
    url,
    embedded: !!stopEmbedded,
    close: async () => {
      await db.destroy().catch(() => {});
      if (stopEmbedded) await stopEmbedded();
    },
  };
}
