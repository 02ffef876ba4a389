import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db';
import { writeAudit } from '../audit/audit';
import { AppError, errors } from '../http/errors';
import type { Ctx } from '../http/context';
import { paramRepo } from '../params/repository';
import { resolveScope } from '../scope/resolve';
import type { Scope } from '../scope/scope';
import { burnPasswordTime, hashPassword, passwordProblems, verifyPassword } from './password';
import { authRepo } from './repository';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type LoadedSession = {
  tokenHash: string;
  csrfToken: string;
  user: {
    id: number;
    username: string;
    name: string;
    orgId: number | null;
    orgName: string | null;
    areaCode: string | null;
    areaName: string | null;
    countyCode: string | null;
    dataScope: 'all' | 'custom' | 'area' | 'area_below' | 'self';
    mustChangePassword: boolean;
  };
  permissions: Set<string>;
  roles: { code: string; name: string }[];
  scope: Scope;
};

export function publicUser(s: LoadedSession) {
  return { ...s.user, permissions: [...s.permissions].sort(), roles: s.roles };
}

export const authService = {
  async login(db: Db, input: { username: string; password: string; ip: string; userAgent: string | null }) {
    const maxFailed = await paramRepo.get(db, 'auth.maxFailedLogins', 5);
    const lockMinutes = await paramRepo.get(db, 'auth.lockMinutes', 15);
    const sessionHours = await paramRepo.get(db, 'auth.sessionHours', 12);
    const user = await authRepo.findUserByUsername(db, input.username);
    if (!user) {
      await burnPasswordTime(input.password);
      throw errors.badCredentials();
    }
    if (user.locked_until && new Date(user.locked_until) > new Date()) {
      const left = Math.ceil((new Date(user.locked_until).getTime() - Date.now()) / 60_000);
      throw errors.locked(left);
    }
    const ok = await verifyPassword(user.password_hash, input.password);
    if (!ok) {
      const r = await authRepo.recordFailure(db, user.id, maxFailed, lockMinutes);
      if (r?.locked_until && new Date(r.locked_until) > new Date()) throw errors.locked(lockMinutes);
      const left = maxFailed - (r?.failed_logins ?? 0);
      throw new AppError(401, 'E1102', `用户名或密码错误${left > 0 && left <= 3 ? `，再错 ${left} 次将临时锁定账号` : ''}`);
    }
    if (user.status !== 'active') throw errors.disabled();
    await authRepo.recordSuccess(db, user.id);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await authRepo.insertSession(db, {
      token_hash: sha256(token),
      user_id: user.id,
      csrf_token: csrfToken,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      expires_at: new Date(Date.now() + sessionHours * 3600_000),
    });
    const session = await this.load(db, token);
    if (!session) throw new Error('session vanished');
    return { token, session, maxAgeSeconds: sessionHours * 3600 };
  },

  /** Resolves a cookie value to a session with permissions and scope, or null. */
  async load(db: Db, token: string): Promise<LoadedSession | null> {
    const tokenHash = sha256(token);
    const row = await authRepo.findSession(db, tokenHash);
    if (!row || row.status !== 'active') return null;
    if (new Date(row.expires_at) <= new Date()) {
      await authRepo.deleteSession(db, tokenHash);
      return null;
    }
    // Sliding expiry, written at most once a minute per session.
    if (Date.now() - new Date(row.last_seen_at).getTime() > 60_000) {
      const hours = await paramRepo.get(db, 'auth.sessionHours', 12);
      await authRepo.touchSession(db, tokenHash, new Date(Date.now() + hours * 3600_000));
    }
    const { permissions, roles } = await authRepo.permissionsOf(db, row.id);
    const scope = await resolveScope(db, { id: row.id, data_scope: row.data_scope, area_code: row.area_code });
    return {
      tokenHash,
      csrfToken: row.csrf_token,
      user: {
        id: row.id,
        username: row.username,
        name: row.name,
        orgId: row.org_id,
        orgName: row.org_name,
        areaCode: row.area_code,
        areaName: row.area_name,
        countyCode: row.county_code,
        dataScope: row.data_scope,
        mustChangePassword: row.must_change_password,
      },
      permissions,
      roles,
      scope,
    };
  },

  logout(db: Db, tokenHash: string) {
    return authRepo.deleteSession(db, tokenHash);
  },

  async changePassword(db: Db, ctx: Ctx, tokenHash: string, oldPassword: string, newPassword: string) {
    const user = await authRepo.findUserById(db, ctx.user.id);
    if (!user) throw errors.unauthenticated();
    if (!(await verifyPassword(user.password_hash, oldPassword)))
      throw errors.validation([{ field: '原密码', message: '原密码不正确' }]);
    const problem = passwordProblems(newPassword, user.username);
    if (problem) throw errors.validation([{ field: '新密码', message: problem }]);
    if (await verifyPassword(user.password_hash, newPassword))
      throw errors.validation([{ field: '新密码', message: '新密码不能与原密码相同' }]);
    const h = await hashPassword(newPassword);
    await db.transaction().execute(async (tx) => {
      await authRepo.setPassword(tx, user.id, h, false);
      // Other sessions of this account end: a changed password must lock out whoever knew the old one.
      await authRepo.deleteSessionsOfUser(tx, user.id, tokenHash);
      await writeAudit(tx, ctx, {
        module: 'auth',
        action: 'change-password',
        entity: 'user',
        entityId: user.id,
        countyCode: user.county_code,
        areaCode: user.area_code,
        summary: `用户 ${user.username}（${user.name}）修改了自己的密码`,
      });
    });
  },
};
