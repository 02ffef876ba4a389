import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';

export const paramRepo = {
  async get<T>(db: DbOrTx, key: string, fallback: T): Promise<T> {
    const row = await db.selectFrom('sys_param').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (row.value as T) : fallback;
  },
  list(db: DbOrTx) {
    return db.selectFrom('sys_param').selectAll().orderBy('key').execute();
  },
  find(db: DbOrTx, key: string) {
    return db.selectFrom('sys_param').selectAll().where('key', '=', key).executeTakeFirst();
  },
  set(db: DbOrTx, key: string, value: unknown) {
    return db.updateTable('sys_param').set({ value: JSON.stringify(value), updated_at: sql`now()` }).where('key', '=', key).execute();
  },
};
