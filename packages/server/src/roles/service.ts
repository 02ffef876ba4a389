import { PERMISSIONS, type Permission } from '@fupin/shared/permissions';
import { diff, writeAudit } from '../audit/audit';
import type { Db, DbOrTx } from '../db/db';
import { isUniqueViolation } from '../db/sql-helpers';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { permissionsBeyond } from '../users/guards';
import { roleRepo, type RoleRow } from './repository';
import type { CreateRoleBody, UpdateRoleBody } from './schemas';

const GROUPS: { code: string; label: string }[] = [
  { code: 'system', label: '系统管理' },
  { code: 'registry', label: '建档立卡' },
  { code: 'loan', label: '到户贷款' },
  { code: 'visit', label: '结对帮扶' },
];

export function permissionCatalogue() {
  const entries = Object.entries(PERMISSIONS) as [Permission, string][];
  const known = new Set(GROUPS.map((g) => g.code));
  const extra = [...new Set(entries.map(([c]) => c.split(':')[0]).filter((g) => !known.has(g)))].map((g) => ({ code: g, label: g }));
  return {
    groups: [...GROUPS, ...extra].map((g) => ({
      ...g,
      permissions: entries.filter(([c]) => c.split(':')[0] === g.code).map(([code, label]) => ({ code, label })),
    })),
  };
}

const toItem = (r: RoleRow) => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  builtin: r.builtin,
  permissions: r.permissions,
  userCount: Number(r.user_count ?? 0),
});

const fieldError = (code: string, field: string, message: string, status = 400) =>
  new AppError(status, code, `${field}：${message}`, { issues: [{ field, message }] });

function checkPermissions(ctx: Ctx, perms: string[]) {
  const unknown = perms.filter((p) => !(p in PERMISSIONS));
  if (unknown.length) throw fieldError('E1411', '权限', `未知的权限代码 ${unknown.join('、')}（见 GET /api/permissions）`);
  const beyond = permissionsBeyond(ctx, perms);
  if (beyond.length) throw new AppError(403, 'E1407', `权限：不能授予您本人没有的权限 ${beyond.join('、')}`);
  return [...new Set(perms)].sort();
}

const label = (p: string) => PERMISSIONS[p as Permission] ?? p;

async function findOr404(db: DbOrTx, id: number) {
  const r = await roleRepo.find(db, id);
  if (!r) throw errors.notFound(`角色（编号 ${id}）`);
  return r;
}

export const roleService = {
  async list(db: Db) {
    return { items: (await roleRepo.list(db)).map(toItem) };
  },

  async create(db: Db, ctx: Ctx, body: CreateRoleBody) {
    const perms = checkPermissions(ctx, body.permissions);
    return db.transaction().execute(async (tx) => {
      if (await roleRepo.byCode(tx, body.code)) throw fieldError('E1412', '角色代码', `${body.code} 已存在`, 409);
      if (await roleRepo.withName(tx, body.name)) throw fieldError('E1412', '角色名称', `「${body.name}」已存在`, 409);
      const { id } = await roleRepo.insert(tx, { code: body.code, name: body.name, description: body.description ?? null }).catch((e) => {
        throw isUniqueViolation(e) ? fieldError('E1412', '角色代码', `${body.code} 已存在`, 409) : e;
      });
      await roleRepo.setPermissions(tx, id, perms);
      await writeAudit(tx, ctx, {
        module: 'roles',
        action: 'create',
        entity: 'role',
        entityId: id,
        summary: `新增角色 ${body.name}（${body.code}），权限 ${perms.length} 项：${perms.map(label).join('、') || '无'}`,
        after: { code: body.code, name: body.name, description: body.description ?? null, permissions: perms },
      });
      return toItem(await findOr404(tx, id));
    });
  },

  async update(db: Db, ctx: Ctx, id: number, body: UpdateRoleBody) {
    return db.transaction().execute(async (tx) => {
      const before = await findOr404(tx, id);
      if (before.builtin) {
        // bootstrap.ts rewrites built-in roles from @fupin/shared/permissions at every start-up,
        // so an edit here would silently come undone.
        throw new AppError(409, 'E1413', `角色「${before.name}」是内置角色，名称和权限由系统在启动时按权限目录重置，不能修改；如需调整，请新建自定义角色`);
      }
      const beyondNow = permissionsBeyond(ctx, before.permissions);
      if (beyondNow.length) throw new AppError(403, 'E1407', `角色「${before.name}」含有您本人没有的权限（${beyondNow.join('、')}），不能修改`);
      // Roles are shared: changing one changes the rights of every holder, in every jurisdiction.
      if (ctx.scope.kind !== 'all' && (await roleRepo.holdersOutside(tx, ctx.scope, id))) {
        throw new AppError(403, 'E1415', `角色「${before.name}」也分配给了您管辖范围以外的用户，只有“全部数据”权限的管理员才能修改`);
      }
      const perms = body.permissions ? checkPermissions(ctx, body.permissions) : undefined;
      if (body.name !== undefined && body.name !== before.name && (await roleRepo.withName(tx, body.name, id))) {
        throw fieldError('E1412', '角色名称', `「${body.name}」已存在`, 409);
      }
      const d = diff(
        { name: before.name, description: before.description, permissions: before.permissions } as Record<string, unknown>,
        {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.description !== undefined && { description: body.description }),
          ...(perms && { permissions: perms }),
        },
      );
      if (!d.changed.length) return toItem(before);
      await roleRepo.update(tx, id, { name: body.name, description: body.description });
      if (perms && d.changed.includes('permissions')) await roleRepo.setPermissions(tx, id, perms);
      const parts: string[] = [];
      if (d.changed.includes('name')) parts.push(`名称改为「${body.name}」`);
      if (d.changed.includes('description')) parts.push('修改说明');
      if (perms && d.changed.includes('permissions')) {
        const added = perms.filter((p) => !before.permissions.includes(p));
        const removed = before.permissions.filter((p) => !perms.includes(p));
        if (added.length) parts.push(`增加权限：${added.map(label).join('、')}`);
        if (removed.length) parts.push(`移除权限：${removed.map(label).join('、')}`);
      }
      await writeAudit(tx, ctx, {
        module: 'roles',
        action: 'update',
        entity: 'role',
        entityId: id,
        summary: `修改角色 ${before.name}（${before.code}）：${parts.join('；')}`,
        before: d.before,
        after: d.after,
      });
      return toItem(await findOr404(tx, id));
    });
  },

  async remove(db: Db, ctx: Ctx, id: number) {
    await db.transaction().execute(async (tx) => {
      const role = await findOr404(tx, id);
      if (role.builtin) throw new AppError(409, 'E1413', `角色「${role.name}」是内置角色，不能删除`);
      const beyond = permissionsBeyond(ctx, role.permissions);
      if (beyond.length) throw new AppError(403, 'E1407', `角色「${role.name}」含有您本人没有的权限，不能删除`);
      const users = Number(role.user_count ?? 0);
      if (users) throw new AppError(409, 'E1414', `角色「${role.name}」仍有 ${users} 个用户在使用，不能删除；请先为这些用户更换角色`, { userCount: users });
      await writeAudit(tx, ctx, {
        module: 'roles',
        action: 'delete',
        entity: 'role',
        entityId: id,
        summary: `删除角色 ${role.name}（${role.code}）`,
        before: { code: role.code, name: role.name, description: role.description, permissions: role.permissions },
      });
      await roleRepo.delete(tx, id);
    });
  },
};
