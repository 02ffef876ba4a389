import type { DbOrTx } from '../db/db';

export const authRepo = {
  findUserByUsername(db: DbOrTx, username: string) {
    return db
      .selectFrom('app_user')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
  },

  findUserById(db: DbOrTx, id: number) {
    return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The session, its user and everything a request needs, in one round trip. */
  findSession(db: DbOrTx, tokenHash: string) {
    return db
      .selectFrom('session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .leftJoin('org as o', 'o.id', 'u.org_id')
      .leftJoin('area as a', 'a.code', 'u.area_code')
      .select([
        's.token_hash',
        's.csrf_token',
        's.expires_at',
        's.last_seen_at',
        'u.id',
        'u.username',
        'u.name',
        'u.org_id',
        'u.area_code',
        'u.county_code',
        'u.data_scope',
        'u.status',
        'u.must_change_password',
        'o.name as org_name',
        'a.name as area_name',
      ])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst();
  },

  async permissionsOf(db: DbOrTx, userId: number) {
    const rows = await db
      .selectFrom('user_role as ur')
      .innerJoin('role as r', 'r.id', 'ur.role_id')
      .leftJoin('role_permission as rp', 'rp.role_id', 'r.id')
      .select(['r.code', 'r.name', 'rp.permission'])
      .where('ur.user_id', '=', userId)
      .execute();
    const roles = new Map<string, string>();
    const perms = new Set<string>();
    for (const r of rows) {
      roles.set(r.code, r.name);
      if (r.permission) perms.add(r.permission);
    }
    return { roles: [...roles].map(([code, name]) => ({ code, name })), permissions: perms };
  },

  insertSession(db: DbOrTx, s: { token_hash: string; user_id: number; csrf_token: string; ip: string; user_agent: string | null; expires_at: Date }) {
    return db.insertInto('session').values(s).execute();
  },

  touchSession(db: DbOrTx, tokenHash: string, expiresAt: Date) {
    return db.updateTable('session').set({ last_seen_at: new Date(), expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
  },

  deleteSession(db: DbOrTx, tokenHash: string) {
    return db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
  },

  deleteSessionsOfUser(db: DbOrTx, userId: number, exceptTokenHash?: string) {
    let q = db.deleteFrom('session').where('user_id', '=', userId);
    if (exceptTokenHash) q = q.where('token_hash', '<>', exceptTokenHash);
    return q.execute();
  },

  deleteExpiredSessions(db: DbOrTx) {
    return db.deleteFrom('session').where('expires_at', '<', new Date()).executeTakeFirst();
  },

  recordFailure(db: DbOrTx, userId: number, max: number, lockMinutes: number) {
    return db
      .updateTable('app_user')
      .set((eb) => ({
        failed_logins: eb('failed_logins', '+', 1),
        locked_until: eb
          .case()
          .when('failed_logins', '>=', max - 1)
          .then(new Date(Date.now() + lockMinutes * 60_000))
          .else(eb.ref('locked_until'))
          .end(),
      }))
      .where('id', '=', userId)
      .returning(['failed_logins', 'locked_until'])
      .executeTakeFirst();
  },

  recordSuccess(db: DbOrTx, userId: number) {
    return db.updateTable('app_user').set({ failed_logins: 0, locked_until: null, last_login_at: new Date() }).where('id', '=', userId).execute();
  },

  setPassword(db: DbOrTx, userId: number, passwordHash: string, mustChange: boolean) {
    return db
      .updateTable('app_user')
      .set({ password_hash: passwordHash, must_change_password: mustChange, password_changed_at: new Date(), updated_at: new Date(), failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
  },
};
