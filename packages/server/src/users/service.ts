import { maskPhone } from '@fupin/shared/idcard';
import { areaPrefix, countyCodeOf, isValidAreaCode } from '@fupin/shared/area';
import { diff, writeAudit } from '../audit/audit';
import { generatePassword, hashPassword, passwordProblems } from '../auth/password';
import { authRepo } from '../auth/repository';
import type { Db, DbOrTx } from '../db/db';
import type { DataScopeKind } from '../db/schema';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { isUniqueViolation } from '../db/sql-helpers';
import { orgRepo } from '../orgs/repository';
import { roleRepo } from '../roles/repository';
import { scopeCoversArea } from '../scope/scope';
import { permissionsBeyond, scopeGrantProblem } from './guards';
import { userRepo, type UserRow } from './repository';
import { DATA_SCOPE_LABELS, type CreateUserBody, type UpdateUserBody, type UserItem } from './schemas';

const fieldError = (code: string, field: string, message: string, status = 400) =>
  new AppError(status, code, `${field}：${message}`, { issues: [{ field, message }] });

const iso = (v: Date | string | null) => (v == null ? null : new Date(v).toISOString());

async function toItems(db: DbOrTx, rows: UserRow[]): Promise<UserItem[]> {
  const { roles, areas } = await userRepo.extras(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    name: r.name,
    phoneMasked: r.phone ? maskPhone(r.phone) : null,
    orgId: r.org_id,
    orgName: r.org_name,
    areaCode: r.area_code,
    areaName: r.area_name,
    countyCode: r.county_code,
    dataScope: r.data_scope,
    dataScopeLabel: DATA_SCOPE_LABELS[r.data_scope],
    scopeAreas: areas.filter((a) => a.user_id === r.id).map((a) => ({ code: a.code, name: a.name })),
    roles: roles.filter((x) => x.user_id === r.id).map((x) => ({ code: x.code, name: x.name })),
    status: r.status,
    mustChangePassword: r.must_change_password,
    locked: !!r.locked_until && new Date(r.locked_until) > new Date(),
    lastLoginAt: iso(r.last_login_at),
    createdAt: iso(r.created_at)!,
  }));
}

/** A password that passes our own rules (a random draw can miss a character class). */
function freshPassword(username: string): string {
  for (;;) {
    const p = generatePassword();
    if (!passwordProblems(p, username)) return p;
  }
}

type Post = { dataScope: DataScopeKind; areaCode: string | null; scopeAreas: string[]; orgId: number | null; roleCodes: string[]; orgChanged: boolean };

/**
 * Checks a user's post — area, data scope, org and roles — against what the caller holds, and
 * returns what the insert/update needs. Throws the first problem.
 */
async function checkPost(tx: DbOrTx, ctx: Ctx, p: Post) {
  if (p.dataScope !== 'all' && !p.areaCode) throw fieldError('E1401', '岗位区划', '除“全部数据”外必须选择岗位所在区划');
  if (p.dataScope !== 'custom' && p.scopeAreas.length) throw fieldError('E1401', '自定义区划', '只有“自定义区划”数据权限才需要选择区划');
  let areaName: string | null = null;
  if (p.areaCode) {
    if (!isValidAreaCode(p.areaCode)) throw fieldError('E1402', '岗位区划', `区划代码 ${p.areaCode} 无效`);
    if (!scopeCoversArea(ctx.scope, p.areaCode)) throw errors.outOfScope(`岗位区划 ${p.areaCode} `);
    const found = await userRepo.existingAreas(tx, [p.areaCode]);
    if (!found.length) throw fieldError('E1402', '岗位区划', `区划 ${p.areaCode} 不存在`);
    areaName = found[0].name;
  }
  const scopeAreas = [...new Set(p.scopeAreas)];
  if (scopeAreas.length) {
    const found = new Set((await userRepo.existingAreas(tx, scopeAreas)).map((a) => a.code));
    const missing = scopeAreas.filter((c) => !found.has(c));
    if (missing.length) throw fieldError('E1402', '自定义区划', `区划 ${missing.join('、')} 不存在`);
  }
  const scopeProblem = scopeGrantProblem(ctx.scope, { dataScope: p.dataScope, areaCode: p.areaCode, scopeAreas });
  if (scopeProblem) throw new AppError(403, 'E1404', `数据权限：不能授予超出您本人范围的数据权限（${scopeProblem}）`);
  let orgName: string | null = null;
  // An unchanged org is not re-checked: staff of an org disabled (or one above the caller) later
  // keep it until someone moves them; nobody new joins a disabled or invisible org.
  if (p.orgId && p.orgChanged) {
    const org = await orgRepo.find(tx, ctx.scope, p.orgId);
    if (!org) throw fieldError('E1405', '所属机构', `机构（编号 ${p.orgId}）不存在或不在您的管辖范围内`);
    if (org.status !== 'active') throw fieldError('E1405', '所属机构', `机构 ${org.name} 已停用`);
    orgName = org.name;
  }
  const codes = [...new Set(p.roleCodes)];
  const roles = await roleRepo.byCodes(tx, codes);
  const missing = codes.filter((c) => !roles.some((r) => r.code === c));
  if (missing.length) throw fieldError('E1406', '角色', `角色 ${missing.join('、')} 不存在`);
  for (const r of roles) {
    const beyond = permissionsBeyond(ctx, r.permissions);
    if (beyond.length) throw new AppError(403, 'E1407', `角色：不能授予您本人没有的权限（角色「${r.name}」含 ${beyond.slice(0, 5).join('、')}${beyond.length > 5 ? ' 等' : ''}）`);
  }
  return { areaName, orgName, roles, scopeAreas };
}

/** May the caller act on this existing user? Not when the user holds more than the caller. */
async function assertManageable(tx: DbOrTx, ctx: Ctx, target: UserRow, scopeAreas: string[]) {
  const scopeProblem = scopeGrantProblem(ctx.scope, { dataScope: target.data_scope, areaCode: target.area_code, scopeAreas });
  const beyond = permissionsBeyond(ctx, await userRepo.permissionsOfUser(tx, target.id));
  if (scopeProblem || beyond.length) {
    throw new AppError(403, 'E1403', `用户 ${target.username} 的数据权限或角色权限超出您本人的范围，不能修改`);
  }
}

const postLabel = (orgName: string | null, areaName: string | null) => orgName ?? areaName ?? '无';
const rolesLabel = (roles: { name: string }[]) => roles.map((r) => r.name).join('、') || '无';

async function findOr404(db: DbOrTx, ctx: Ctx, id: number) {
  const row = await userRepo.find(db, ctx.scope, id);
  if (!row) throw errors.notFound(`用户（编号 ${id}）`);
  return row;
}

export const userService = {
  async list(db: Db, ctx: Ctx, q: { page: number; pageSize: number; sort: 'name' | 'username' | 'createdAt' | 'lastLoginAt'; order: 'asc' | 'desc'; areaCode?: string; orgId?: number; keyword?: string; status?: 'active' | 'disabled'; roleCode?: string }) {
    let prefix: string | undefined;
    if (q.areaCode) {
      if (!isValidAreaCode(q.areaCode)) throw fieldError('E1001', '岗位区划', `区划代码 ${q.areaCode} 无效`);
      prefix = areaPrefix(q.areaCode);
    }
    const { total, rows } = await userRepo.list(db, ctx.scope, { areaPrefix: prefix, orgId: q.orgId, keyword: q.keyword, status: q.status, roleCode: q.roleCode }, q);
    return { items: await toItems(db, rows), total, page: q.page, pageSize: q.pageSize };
  },

  async get(db: DbOrTx, ctx: Ctx, id: number) {
    return (await toItems(db, [await findOr404(db, ctx, id)]))[0];
  },

  async create(db: Db, ctx: Ctx, body: CreateUserBody) {
    let initialPassword: string | undefined;
    let password = body.password;
    if (password !== undefined) {
      const problem = passwordProblems(password, body.username);
      if (problem) throw fieldError('E1001', '密码', problem);
    } else {
      password = initialPassword = freshPassword(body.username);
    }
    const areaCode = body.areaCode ?? null;
    const post: Post = { dataScope: body.dataScope, areaCode, scopeAreas: body.scopeAreas ?? [], orgId: body.orgId ?? null, roleCodes: body.roleCodes, orgChanged: true };
    const passwordHash = await hashPassword(password);
    const user = await db.transaction().execute(async (tx) => {
      const checked = await checkPost(tx, ctx, post);
      const taken = () => new AppError(409, 'E1408', `用户名：${body.username} 已被使用（用户名不区分大小写）`, { issues: [{ field: '用户名', message: '已被使用' }] });
      if (await userRepo.usernameTaken(tx, body.username)) throw taken();
      const { id } = await userRepo.insert(tx, {
        username: body.username,
        name: body.name,
        phone: body.phone ?? null,
        password_hash: passwordHash,
        org_id: post.orgId,
        area_code: areaCode,
        county_code: areaCode ? countyCodeOf(areaCode) : null,
        data_scope: body.dataScope,
      }).catch((e) => {
        throw isUniqueViolation(e) ? taken() : e;
      });
      await userRepo.setRoles(tx, id, checked.roles.map((r) => r.id));
      await userRepo.setScopeAreas(tx, id, checked.scopeAreas);
      await writeAudit(tx, ctx, {
        module: 'users',
        action: 'create',
        entity: 'user',
        entityId: id,
        areaCode,
        summary: `新增用户 ${body.username}（${body.name}），岗位：${postLabel(checked.orgName, checked.areaName)}，数据权限：${DATA_SCOPE_LABELS[body.dataScope]}，角色：${rolesLabel(checked.roles)}`,
        after: {
          username: body.username,
          name: body.name,
          phone: body.phone ? maskPhone(body.phone) : null,
          orgId: post.orgId,
          areaCode,
          dataScope: body.dataScope,
          scopeAreas: checked.scopeAreas,
          roleCodes: checked.roles.map((r) => r.code).sort(),
        },
      });
      return this.get(tx, ctx, id);
    });
    return { user, ...(initialPassword && { initialPassword }) };
  },

  async update(db: Db, ctx: Ctx, id: number, body: UpdateUserBody) {
    return db.transaction().execute(async (tx) => {
      const before = await findOr404(tx, ctx, id);
      const [current] = await toItems(tx, [before]);
      const currentScopeAreas = current.scopeAreas.map((a) => a.code);
      await assertManageable(tx, ctx, before, currentScopeAreas);
      if (id === ctx.user.id && body.status === 'disabled') throw new AppError(409, 'E1409', '不能停用自己的账号');
      const nextScope = body.dataScope ?? before.data_scope;
      const next: Post = {
        dataScope: nextScope,
        areaCode: body.areaCode !== undefined ? body.areaCode : before.area_code,
        // Leaving 'custom' drops its areas; staying keeps them unless new ones are given.
        scopeAreas: body.scopeAreas ?? (nextScope === 'custom' ? currentScopeAreas : []),
        orgId: body.orgId !== undefined ? body.orgId : before.org_id,
        roleCodes: body.roleCodes ?? current.roles.map((r) => r.code),
        orgChanged: body.orgId !== undefined && body.orgId !== before.org_id,
      };
      const checked = await checkPost(tx, ctx, next);
      const beforeView = {
        name: before.name,
        phone: before.phone ? maskPhone(before.phone) : null,
        orgId: before.org_id,
        areaCode: before.area_code,
        dataScope: before.data_scope,
        scopeAreas: [...currentScopeAreas].sort(),
        roleCodes: current.roles.map((r) => r.code).sort(),
        status: before.status,
      };
      const afterView = {
        name: body.name ?? before.name,
        phone: body.phone !== undefined ? (body.phone ? maskPhone(body.phone) : null) : beforeView.phone,
        orgId: next.orgId,
        areaCode: next.areaCode,
        dataScope: next.dataScope,
        scopeAreas: [...checked.scopeAreas].sort(),
        roleCodes: checked.roles.map((r) => r.code).sort(),
        status: body.status ?? before.status,
      };
      // A new phone with the same masked form is still a change worth recording.
      const phoneChanged = body.phone !== undefined && (body.phone ?? null) !== before.phone;
      const d = diff(beforeView as Record<string, unknown>, afterView);
      if (phoneChanged && !d.changed.includes('phone')) {
        d.changed.push('phone');
        d.before.phone = beforeView.phone;
        d.after.phone = afterView.phone;
      }
      if (!d.changed.length) return current;
      await userRepo.update(tx, id, {
        name: body.name,
        phone: body.phone,
        org_id: next.orgId,
        area_code: next.areaCode,
        county_code: next.areaCode ? countyCodeOf(next.areaCode) : null,
        data_scope: next.dataScope,
        status: body.status,
      });
      if (d.changed.includes('roleCodes')) await userRepo.setRoles(tx, id, checked.roles.map((r) => r.id));
      if (d.changed.includes('scopeAreas')) await userRepo.setScopeAreas(tx, id, checked.scopeAreas);
      if (body.status === 'disabled' && before.status !== 'disabled') await authRepo.deleteSessionsOfUser(tx, id);
      const labels: Record<string, string> = {
        name: '姓名',
        phone: '手机号',
        orgId: '所属机构',
        areaCode: '岗位区划',
        dataScope: `数据权限（${DATA_SCOPE_LABELS[before.data_scope]} → ${DATA_SCOPE_LABELS[next.dataScope]}）`,
        scopeAreas: '自定义区划',
        roleCodes: `角色（${rolesLabel(checked.roles)}）`,
        status: '状态',
      };
      const onlyStatus = d.changed.length === 1 && d.changed[0] === 'status';
      await writeAudit(tx, ctx, {
        module: 'users',
        action: onlyStatus ? (afterView.status === 'disabled' ? 'disable' : 'enable') : 'update',
        entity: 'user',
        entityId: id,
        areaCode: next.areaCode ?? before.area_code,
        summary: onlyStatus
          ? `${afterView.status === 'disabled' ? '停用' : '启用'}用户 ${before.username}（${before.name}）`
          : `修改用户 ${before.username}（${before.name}）：${d.changed.map((k) => labels[k]).join('，')}`,
        before: d.before,
        after: d.after,
      });
      return this.get(tx, ctx, id);
    });
  },

  disable(db: Db, ctx: Ctx, id: number) {
    return this.update(db, ctx, id, { status: 'disabled' });
  },

  async resetPassword(db: Db, ctx: Ctx, id: number) {
    if (id === ctx.user.id) throw new AppError(409, 'E1410', '请通过“修改密码”修改本人的密码');
    return db.transaction().execute(async (tx) => {
      const target = await findOr404(tx, ctx, id);
      const scopeAreas = (await toItems(tx, [target]))[0].scopeAreas.map((a) => a.code);
      await assertManageable(tx, ctx, target, scopeAreas);
      const password = freshPassword(target.username);
      await authRepo.setPassword(tx, id, await hashPassword(password), true);
      // Whoever is logged in with the old password is logged out.
      await authRepo.deleteSessionsOfUser(tx, id);
      await writeAudit(tx, ctx, {
        module: 'users',
        action: 'reset-password',
        entity: 'user',
        entityId: id,
        areaCode: target.area_code,
        summary: `重置用户 ${target.username}（${target.name}）的密码，下次登录须修改`,
      });
      return { password };
    });
  },
};

