import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';
import type { DataScopeKind } from '../db/schema';
import { containsPattern, pinyin, scoped } from '../db/sql-helpers';
import type { Scope } from '../scope/scope';

const inScope = (scope: Scope) => scoped(scope, { area: 'u.area_code', county: 'u.county_code', owner: 'u.id' });

function base(db: DbOrTx, scope: Scope) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('org as o', 'o.id', 'u.org_id')
    .leftJoin('area as a', 'a.code', 'u.area_code')
    .where(inScope(scope));
}

function selectItem(q: ReturnType<typeof base>) {
  return q.select([
    'u.id',
    'u.username',
    'u.name',
    'u.phone',
    'u.org_id',
    'o.name as org_name',
    'u.area_code',
    'a.name as area_name',
    'u.county_code',
    'u.data_scope',
    'u.status',
    'u.must_change_password',
    'u.locked_until',
    'u.last_login_at',
    'u.created_at',
  ]);
}

export type UserRow = Awaited<ReturnType<ReturnType<typeof selectItem>['executeTakeFirstOrThrow']>>;
export type UserFilter = { areaPrefix?: string; orgId?: number; keyword?: string; status?: 'active' | 'disabled'; roleCode?: string };

export const userRepo = {
  async list(db: DbOrTx, scope: Scope, f: UserFilter, page: { page: number; pageSize: number; sort: 'name' | 'username' | 'createdAt' | 'lastLoginAt'; order: 'asc' | 'desc' }) {
    let q = base(db, scope);
    if (f.areaPrefix) q = q.where('u.area_code', 'like', `${f.areaPrefix}%`);
    if (f.orgId) q = q.where('u.org_id', '=', f.orgId);
    if (f.status) q = q.where('u.status', '=', f.status);
    if (f.keyword) {
      const p = containsPattern(f.keyword);
      q = q.where((eb) => eb.or([eb('u.username', 'ilike', p), eb('u.name', 'ilike', p)]));
    }
    if (f.roleCode) {
      const code = f.roleCode;
      q = q.where((eb) =>
        eb.exists(eb.selectFrom('user_role as ur').innerJoin('role as r', 'r.id', 'ur.role_id').select(sql`1`.as('one')).whereRef('ur.user_id', '=', 'u.id').where('r.code', '=', code)),
      );
    }
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const key = { name: pinyin('u.name'), username: sql.ref('u.username'), createdAt: sql.ref('u.created_at'), lastLoginAt: sql.ref('u.last_login_at') }[page.sort];
    const rows = await selectItem(q)
      .orderBy(key, (b) => (page.order === 'desc' ? b.desc().nullsLast() : b.asc().nullsLast()))
      .orderBy('u.id')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return { total, rows };
  },

  find(db: DbOrTx, scope: Scope, id: number) {
    return selectItem(base(db, scope)).where('u.id', '=', id).executeTakeFirst();
  },

  /** Roles and custom scope areas of a page of users, in two queries. */
  async extras(db: DbOrTx, ids: number[]) {
    if (!ids.length) return { roles: [], areas: [] };
    const roles = await db
      .selectFrom('user_role as ur')
      .innerJoin('role as r', 'r.id', 'ur.role_id')
      .select(['ur.user_id', 'r.id', 'r.code', 'r.name'])
      .where('ur.user_id', 'in', ids)
      .orderBy('r.id')
      .execute();
    const areas = await db
      .selectFrom('user_scope_area as s')
      .innerJoin('area as a', 'a.code', 's.area_code')
      .select(['s.user_id', 'a.code', 'a.name'])
      .where('s.user_id', 'in', ids)
      .orderBy('a.code')
      .execute();
    return { roles, areas };
  },

  /** Permissions of every role the user has (to decide whether the caller may manage them). */
  async permissionsOfUser(db: DbOrTx, id: number) {
    const rows = await db.selectFrom('user_role as ur').innerJoin('role_permission as rp', 'rp.role_id', 'ur.role_id').select('rp.permission').where('ur.user_id', '=', id).execute();
    return [...new Set(rows.map((r) => r.permission))];
  },

  usernameTaken(db: DbOrTx, username: string) {
    return db.selectFrom('app_user').select('id').where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase())).executeTakeFirst();
  },

  insert(
    db: DbOrTx,
    row: { username: string; name: string; phone: string | null; password_hash: string; org_id: number | null; area_code: string | null; county_code: string | null; data_scope: DataScopeKind },
  ) {
    return db.insertInto('app_user').values({ ...row, must_change_password: true }).returning('id').executeTakeFirstOrThrow();
  },

  update(
    db: DbOrTx,
    id: number,
    set: Partial<{ name: string; phone: string | null; org_id: number | null; area_code: string | null; county_code: string | null; data_scope: DataScopeKind; status: 'active' | 'disabled' }>,
  ) {
    return db.updateTable('app_user').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
  },

  async setRoles(db: DbOrTx, id: number, roleIds: number[]) {
    await db.deleteFrom('user_role').where('user_id', '=', id).execute();
    if (roleIds.length) await db.insertInto('user_role').values(roleIds.map((r) => ({ user_id: id, role_id: r }))).execute();
  },

  async setScopeAreas(db: DbOrTx, id: number, codes: string[]) {
    await db.deleteFrom('user_scope_area').where('user_id', '=', id).execute();
    if (codes.length) await db.insertInto('user_scope_area').values(codes.map((c) => ({ user_id: id, area_code: c }))).execute();
  },

  existingAreas(db: DbOrTx, codes: string[]) {
    if (!codes.length) return Promise.resolve([] as { code: string; name: string }[]);
    return db.selectFrom('area').select(['code', 'name']).where('code', 'in', codes).execute();
  },
};
