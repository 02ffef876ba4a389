import type { DbOrTx } from '../db/db';
import { scoped } from '../db/sql-helpers';
import type { Scope } from '../scope/scope';

const n = (r: { n: unknown } | undefined) => Number(r?.n ?? 0);

/** Key figures of a jurisdiction; every count goes through the scope helper. */
export const dashboardRepo = {
  async areaCounts(db: DbOrTx, scope: Scope) {
    const rows = await db
      .selectFrom('area as a')
      .select(['a.level', (eb) => eb.fn.countAll().as('n')])
      .where(scoped(scope, { area: 'a.code', county: 'a.county_code' }))
      .where('a.level', 'in', [4, 5, 6])
      .groupBy('a.level')
      .execute();
    const of = (level: number) => n(rows.find((r) => r.level === level));
    return { townships: of(4), villages: of(5), groups: of(6) };
  },

  householdsByStatus(db: DbOrTx, scope: Scope) {
    return db
      .selectFrom('household as h')
      .leftJoin('dict_item as d', (j) => j.onRef('d.code', '=', 'h.status').on('d.type_code', '=', 'household_status'))
      .select(['h.status', 'd.label', 'd.sort', (eb) => eb.fn.countAll().as('n')])
      .where(scoped(scope, { area: 'h.area_code', county: 'h.county_code' }))
      .groupBy(['h.status', 'd.label', 'd.sort'])
      .orderBy('d.sort')
      .execute();
  },

  async persons(db: DbOrTx, scope: Scope) {
    return n(
      await db
        .selectFrom('person as p')
        .select((eb) => eb.fn.countAll().as('n'))
        .where(scoped(scope, { area: 'p.area_code', county: 'p.county_code' }))
        .where('p.status', '=', 'active')
        .executeTakeFirst(),
    );
  },

  async orgs(db: DbOrTx, scope: Scope) {
    return n(await db.selectFrom('org as o').select((eb) => eb.fn.countAll().as('n')).where(scoped(scope, { area: 'o.area_code', county: 'o.county_code' })).executeTakeFirst());
  },

  async users(db: DbOrTx, scope: Scope) {
    const rows = await db
      .selectFrom('app_user as u')
      .select(['u.status', (eb) => eb.fn.countAll().as('n')])
      .where(scoped(scope, { area: 'u.area_code', county: 'u.county_code', owner: 'u.id' }))
      .groupBy('u.status')
      .execute();
    return { total: rows.reduce((s, r) => s + n(r), 0), active: n(rows.find((r) => r.status === 'active')) };
  },

  roots(db: DbOrTx, codes: string[] | 'all') {
    let q = db.selectFrom('area').select(['code', 'name', 'level']);
    q = codes === 'all' ? q.where('parent_code', 'is', null) : q.where('code', 'in', codes.length ? codes : ['-']);
    return q.orderBy('code').execute();
  },
};
