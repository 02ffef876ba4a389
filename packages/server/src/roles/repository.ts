import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';
import { pinyin, scoped } from '../db/sql-helpers';
import type { Scope } from '../scope/scope';

export type RoleRow = { id: number; code: string; name: string; description: string | null; builtin: boolean; permissions: string[]; user_count: number };

function base(db: DbOrTx) {
  return db.selectFrom('role as r').select((eb) => [
    'r.id',
    'r.code',
    'r.name',
    'r.description',
    'r.builtin',
    sql<string[]>`COALESCE((SELECT array_agg(rp.permission ORDER BY rp.permission) FROM role_permission rp WHERE rp.role_id = r.id), '{}')`.as('permissions'),
    eb.selectFrom('user_role as ur').select((e) => e.fn.countAll<number>().as('n')).whereRef('ur.role_id', '=', 'r.id').as('user_count'),
  ]);
}

export const roleRepo = {
  list(db: DbOrTx): Promise<RoleRow[]> {
    // Built-in roles first, in their catalogue order (by id: seeded in that order), then custom ones by name.
    return base(db).orderBy('r.builtin', 'desc').orderBy(sql`CASE WHEN r.builtin THEN r.id END`).orderBy(pinyin('r.name')).execute() as Promise<RoleRow[]>;
  },
  find(db: DbOrTx, id: number): Promise<RoleRow | undefined> {
    return base(db).where('r.id', '=', id).executeTakeFirst() as Promise<RoleRow | undefined>;
  },
  byCodes(db: DbOrTx, codes: string[]): Promise<RoleRow[]> {
    if (!codes.length) return Promise.resolve([]);
    return base(db).where('r.code', 'in', codes).execute() as Promise<RoleRow[]>;
  },
  byCode(db: DbOrTx, code: string) {
    return db.selectFrom('role').select(['id', 'code', 'name']).where((eb) => eb(eb.fn('lower', ['code']), '=', code.toLowerCase())).executeTakeFirst();
  },
  withName(db: DbOrTx, name: string, exceptId?: number) {
    let q = db.selectFrom('role').select('id').where('name', '=', name);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst();
  },
  insert(db: DbOrTx, row: { code: string; name: string; description: string | null }) {
    return db.insertInto('role').values({ ...row, builtin: false }).returning('id').executeTakeFirstOrThrow();
  },
  update(db: DbOrTx, id: number, set: { name?: string; description?: string | null }) {
    return db.updateTable('role').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
  },
  async setPermissions(db: DbOrTx, id: number, permissions: string[]) {
    await db.deleteFrom('role_permission').where('role_id', '=', id).execute();
    if (permissions.length) await db.insertInto('role_permission').values(permissions.map((p) => ({ role_id: id, permission: p }))).execute();
  },
  /** How many holders of the role lie outside the scope (a role is shared by every jurisdiction). */
  async holdersOutside(db: DbOrTx, scope: Scope, id: number) {
    const r = await db
      .selectFrom('user_role as ur')
      .innerJoin('app_user as u', 'u.id', 'ur.user_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('ur.role_id', '=', id)
      .where((eb) => eb.not(scoped(scope, { area: 'u.area_code', county: 'u.county_code', owner: 'u.id' })(eb)))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  delete(db: DbOrTx, id: number) {
    return db.deleteFrom('role').where('id', '=', id).execute();
  },
};
