import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/db';
import { containsPattern, pinyin } from '../db/sql-helpers';
import { scopeFilter, type Scope } from '../scope/scope';

/**
 * What a caller may see of the area tree: the areas in their scope, plus the ancestors of their
 * scope roots (`context`), shown read-only so a township clerk still sees 省 › 市 › 县 above.
 */
export type AreaView = { scope: Scope; context: string[] };

type AnyEb = ExpressionBuilder<any, any>;

function inScope(view: AreaView, alias: string) {
  return (eb: AnyEb): Expression<SqlBool> => scopeFilter<any, any>(view.scope, { area: `${alias}.code`, county: `${alias}.county_code` })(eb);
}

function visible(view: AreaView, alias: string) {
  return (eb: AnyEb): Expression<SqlBool> => {
    const own = inScope(view, alias)(eb);
    if (!view.context.length) return own;
    return eb.or([own, sql<SqlBool>`${sql.ref(`${alias}.code`)} = ANY(${view.context}::text[])`]);
  };
}

export type AreaRow = {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
  prefix: string;
  county_code: string | null;
  sort: number;
  loan_precondition_met: boolean;
  in_scope: boolean;
  has_children: boolean;
};

function selectVisible(db: DbOrTx, view: AreaView) {
  return db
    .selectFrom('area as a')
    .select((eb) => [
      'a.code',
      'a.name',
      'a.level',
      'a.parent_code',
      'a.prefix',
      'a.county_code',
      'a.sort',
      'a.loan_precondition_met',
      sql<boolean>`(${inScope(view, 'a')(eb)})`.as('in_scope'),
      eb
        .exists(
          eb
            .selectFrom('area as c')
            .select(sql`1`.as('one'))
            .whereRef('c.parent_code', '=', 'a.code')
            .where((e) => visible(view, 'c')(e)),
        )
        .as('has_children'),
    ])
    .where((eb) => visible(view, 'a')(eb));
}

export const areaRepo = {
  /** Visible areas: the children of `parentCode`, or those with the given codes, or a search. */
  async list(
    db: DbOrTx,
    view: AreaView,
    f: { parentCode?: string; rootsOnly?: boolean; codes?: string[]; level?: number; keyword?: string; limit: number },
  ): Promise<AreaRow[]> {
    let q = selectVisible(db, view);
    if (f.parentCode) q = q.where('a.parent_code', '=', f.parentCode);
    if (f.rootsOnly) q = q.where('a.parent_code', 'is', null);
    if (f.codes) q = q.where('a.code', 'in', f.codes.length ? f.codes : ['-']);
    if (f.level) q = q.where('a.level', '=', f.level);
    if (f.keyword) {
      const kw = f.keyword;
      // Digits search codes by prefix as well; anything else searches names only.
      q = /^\d+$/.test(kw) ? q.where((eb) => eb.or([eb('a.name', 'ilike', containsPattern(kw)), eb('a.code', 'like', `${kw}%`)])) : q.where('a.name', 'ilike', containsPattern(kw));
    }
    return q.orderBy('a.sort').orderBy(pinyin('a.name')).orderBy('a.code').limit(f.limit).execute() as Promise<AreaRow[]>;
  },

  findVisible(db: DbOrTx, view: AreaView, code: string): Promise<AreaRow | undefined> {
    return selectVisible(db, view).where('a.code', '=', code).executeTakeFirst() as Promise<AreaRow | undefined>;
  },

  /** Unscoped: for existence checks that must see the whole table (codes are unique everywhere). */
  findAny(db: DbOrTx, code: string) {
    return db.selectFrom('area').selectAll().where('code', '=', code).executeTakeFirst();
  },

  names(db: DbOrTx, codes: string[]) {
    if (!codes.length) return Promise.resolve([] as { code: string; name: string }[]);
    return db.selectFrom('area').select(['code', 'name']).where('code', 'in', codes).execute();
  },

  siblingWithName(db: DbOrTx, parentCode: string | null, name: string, exceptCode?: string) {
    let q = db.selectFrom('area').select('code').where('name', '=', name);
    q = parentCode ? q.where('parent_code', '=', parentCode) : q.where('parent_code', 'is', null);
    if (exceptCode) q = q.where('code', '<>', exceptCode);
    return q.executeTakeFirst();
  },

  insert(
    db: DbOrTx,
    row: { code: string; parent_code: string | null; name: string; level: number; prefix: string; county_code: string | null; sort: number; loan_precondition_met: boolean },
  ) {
    return db.insertInto('area').values(row).returningAll().executeTakeFirstOrThrow();
  },

  update(db: DbOrTx, code: string, set: { name?: string; sort?: number; loan_precondition_met?: boolean }) {
    return db
      .updateTable('area')
      .set({ ...set, updated_at: sql`now()` })
      .where('code', '=', code)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** What still refers to an area, for the "cannot delete" message. */
  async usage(db: DbOrTx, code: string) {
    const count = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) => Number((await q.executeTakeFirstOrThrow()).n);
    // Sequential: inside a transaction they share one connection anyway.
    const children = await count(db.selectFrom('area').select((eb) => eb.fn.countAll().as('n')).where('parent_code', '=', code));
    const orgs = await count(db.selectFrom('org').select((eb) => eb.fn.countAll().as('n')).where('area_code', '=', code));
    const users = await count(db.selectFrom('app_user').select((eb) => eb.fn.countAll().as('n')).where('area_code', '=', code));
    const scopes = await count(db.selectFrom('user_scope_area').select((eb) => eb.fn.countAll().as('n')).where('area_code', '=', code));
    const households = await count(db.selectFrom('household').select((eb) => eb.fn.countAll().as('n')).where('area_code', '=', code));
    return { children, orgs, users, scopes, households };
  },

  delete(db: DbOrTx, code: string) {
    return db.deleteFrom('area').where('code', '=', code).execute();
  },
};
