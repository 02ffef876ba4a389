import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';

export const dictRepo = {
  types(db: DbOrTx) {
    return db.selectFrom('dict_type').selectAll().orderBy('code').execute();
  },
  type(db: DbOrTx, code: string) {
    return db.selectFrom('dict_type').selectAll().where('code', '=', code).executeTakeFirst();
  },
  items(db: DbOrTx, typeCode?: string) {
    let q = db.selectFrom('dict_item').selectAll();
    if (typeCode) q = q.where('type_code', '=', typeCode);
    return q.orderBy('type_code').orderBy('sort').orderBy('code').execute();
  },
  item(db: DbOrTx, typeCode: string, code: string) {
    return db.selectFrom('dict_item').selectAll().where('type_code', '=', typeCode).where('code', '=', code).executeTakeFirst();
  },
  itemWithLabel(db: DbOrTx, typeCode: string, label: string, exceptCode?: string) {
    let q = db.selectFrom('dict_item').select('code').where('type_code', '=', typeCode).where('label', '=', label);
    if (exceptCode) q = q.where('code', '<>', exceptCode);
    return q.executeTakeFirst();
  },
  insertItem(db: DbOrTx, row: { type_code: string; code: string; label: string; sort: number; enabled: boolean }) {
    return db.insertInto('dict_item').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updateItem(db: DbOrTx, typeCode: string, code: string, set: { label?: string; sort?: number; enabled?: boolean }) {
    return db.updateTable('dict_item').set(set).where('type_code', '=', typeCode).where('code', '=', code).returningAll().executeTakeFirstOrThrow();
  },
  /** Locks the type's items so two admins adding one label at once cannot both pass the check. */
  lockType(db: DbOrTx, typeCode: string) {
    return sql`SELECT pg_advisory_xact_lock(hashtext(${'dict:' + typeCode}))`.execute(db);
  },
};
