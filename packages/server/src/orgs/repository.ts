import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';
import { containsPattern, pinyin, scoped } from '../db/sql-helpers';
import type { Scope } from '../scope/scope';

const inScope = (scope: Scope) => scoped(scope, { area: 'o.area_code', county: 'o.county_code' });

function base(db: DbOrTx, scope: Scope) {
  return db
    .selectFrom('org as o')
    .innerJoin('area as a', 'a.code', 'o.area_code')
    .leftJoin('org as p', 'p.id', 'o.parent_id')
    .leftJoin('dict_item as k', (j) => j.onRef('k.code', '=', 'o.kind').on('k.type_code', '=', 'org_kind'))
    .where(inScope(scope));
}

function selectItem(q: ReturnType<typeof base>) {
  return q.select((eb) => [
    'o.id',
    'o.name',
    'o.kind',
    'k.label as kind_label',
    'o.area_code',
    'a.name as area_name',
    'o.county_code',
    'o.parent_id',
    'p.name as parent_name',
    'o.phone',
    'o.status',
    eb.selectFrom('app_user as u').select((e) => e.fn.countAll<number>().as('n')).whereRef('u.org_id', '=', 'o.id').as('user_count'),
  ]);
}

export type OrgFilter = { areaPrefix?: string; kind?: string; keyword?: string; status?: 'active' | 'disabled' };

export const orgRepo = {
  async list(db: DbOrTx, scope: Scope, f: OrgFilter, page: { page: number; pageSize: number; sort: 'name' | 'areaCode' | 'kind'; order: 'asc' | 'desc' }) {
    let q = base(db, scope);
    if (f.areaPrefix) q = q.where('o.area_code', 'like', `${f.areaPrefix}%`);
    if (f.kind) q = q.where('o.kind', '=', f.kind);
    if (f.status) q = q.where('o.status', '=', f.status);
    if (f.keyword) q = q.where('o.name', 'ilike', containsPattern(f.keyword));
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const key = { name: pinyin('o.name'), areaCode: sql.ref('o.area_code'), kind: sql.ref('k.sort') }[page.sort];
    const items = await selectItem(q)
      .orderBy(key, page.order)
      .orderBy(pinyin('o.name'))
      .orderBy('o.id')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return { total, items };
  },

  find(db: DbOrTx, scope: Scope, id: number) {
    return selectItem(base(db, scope)).where('o.id', '=', id).executeTakeFirst();
  },

  withName(db: DbOrTx, areaCode: string, name: string, exceptId?: number) {
    let q = db.selectFrom('org').select('id').where('area_code', '=', areaCode).where('name', '=', name);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst();
  },

  /** Ids of the org and everything below it, to refuse a parent that would make a cycle. */
  async subtreeIds(db: DbOrTx, id: number): Promise<number[]> {
    const r = await sql<{ id: number }>`
      WITH RECURSIVE t(id) AS (SELECT ${id}::bigint UNION SELECT o.id FROM org o JOIN t ON o.parent_id = t.id)
      SELECT id FROM t`.execute(db);
    return r.rows.map((x) => Number(x.id));
  },

  insert(db: DbOrTx, row: { name: string; kind: string; area_code: string; county_code: string | null; parent_id: number | null; phone: string | null }) {
    return db.insertInto('org').values(row).returning('id').executeTakeFirstOrThrow();
  },

  update(db: DbOrTx, id: number, set: { name?: string; kind?: string; parent_id?: number | null; phone?: string | null; status?: 'active' | 'disabled' }) {
    return db.updateTable('org').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
  },

  async usage(db: DbOrTx, id: number) {
    const users = Number((await db.selectFrom('app_user').select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', id).executeTakeFirstOrThrow()).n);
    const children = Number((await db.selectFrom('org').select((eb) => eb.fn.countAll().as('n')).where('parent_id', '=', id).executeTakeFirstOrThrow()).n);
    return { users, children };
  },

  delete(db: DbOrTx, id: number) {
    return db.deleteFrom('org').where('id', '=', id).execute();
  },
};
