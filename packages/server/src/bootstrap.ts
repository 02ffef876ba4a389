import { BUILTIN_ROLES } from '@fupin/shared/permissions';
import type { Db } from './db/db';
import { hashPassword, generatePassword } from './auth/password';
import { writeAudit } from './audit/audit';
import { systemCtx } from './http/context';

/**
 * Idempotent start-up data: built-in roles with their current permission lists, and the
 * `admin` account on first start. Returns the generated password once, when one was made.
 */
export async function bootstrap(db: Db, opts: { adminPassword?: string }): Promise<{ generatedAdminPassword?: string }> {
  return db.transaction().execute(async (tx) => {
    for (const r of BUILTIN_ROLES) {
      const row = await tx
        .insertInto('role')
        .values({ code: r.code, name: r.name, description: r.description, builtin: true })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: r.name, description: r.description, builtin: true }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('role_permission').where('role_id', '=', row.id).execute();
      await tx.insertInto('role_permission').values(r.permissions.map((p) => ({ role_id: row.id, permission: p }))).execute();
    }
    const admin = await tx.selectFrom('app_user').select('id').where('username', '=', 'admin').executeTakeFirst();
    if (admin) return {};
    const generated = opts.adminPassword ? undefined : generatePassword();
    const password = opts.adminPassword ?? generated!;
    const user = await tx
      .insertInto('app_user')
      .values({
        username: 'admin',
        name: '系统管理员',
        password_hash: await hashPassword(password),
        area_code: null,
        county_code: null,
        data_scope: 'all',
        must_change_password: !opts.adminPassword,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const role = await tx.selectFrom('role').select('id').where('code', '=', 'admin').executeTakeFirstOrThrow();
    await tx.insertInto('user_role').values({ user_id: user.id, role_id: role.id }).execute();
    await writeAudit(tx, systemCtx('bootstrap'), {
      module: 'system',
      action: 'create',
      entity: 'user',
      entityId: user.id,
      summary: '系统初始化：创建管理员账号 admin',
    });
    return { generatedAdminPassword: generated };
  });
}
