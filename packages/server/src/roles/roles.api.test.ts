import { ALL_PERMISSIONS, BUILTIN_ROLES } from '@fupin/shared/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

describe('roles and permissions', () => {
  it('returns the permission catalogue grouped', async () => {
    const r = await admin.get('/api/permissions');
    expect(r.status).toBe(200);
    expect(r.body.groups.slice(0, 4).map((g: { code: string; label: string }) => `${g.code}:${g.label}`)).toEqual(['system:系统管理', 'registry:建档立卡', 'loan:到户贷款', 'visit:结对帮扶']);
    const all = r.body.groups.flatMap((g: { permissions: { code: string }[] }) => g.permissions.map((p) => p.code));
    expect(all.sort()).toEqual([...ALL_PERMISSIONS].sort());
    expect(r.body.groups[0].permissions[0]).toEqual({ code: 'system:area:view', label: '查看行政区划' });
  });

  it('lists built-in roles first with their permissions and user counts', async () => {
    const r = await admin.get('/api/roles');
    expect(r.body.items.slice(0, BUILTIN_ROLES.length).map((x: { code: string }) => x.code)).toEqual(BUILTIN_ROLES.map((b) => b.code));
    const adminRole = r.body.items.find((x: { code: string }) => x.code === 'admin');
    expect(adminRole).toMatchObject({ builtin: true, permissions: ['*'], userCount: 1 });
  });

  it('creates, edits and deletes a custom role, each with one audit row', async () => {
    const c = await admin.post('/api/roles', { code: 'data_clerk', name: '数据录入员', description: '只录入', permissions: ['registry:household:view', 'registry:household:edit'] });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ code: 'data_clerk', builtin: false, userCount: 0, permissions: ['registry:household:edit', 'registry:household:view'] });
    const u = await admin.patch(`/api/roles/${c.body.id}`, { permissions: ['registry:household:view', 'registry:quality:view'] });
    expect(u.body.permissions).toEqual(['registry:household:view', 'registry:quality:view']);
    const logs = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'role').where('entity_id', '=', String(c.body.id)).orderBy('id').execute();
    expect(logs.map((l) => l.summary)).toEqual([
      '新增角色 数据录入员（data_clerk），权限 2 项：维护农户档案、查看农户档案',
      '修改角色 数据录入员（data_clerk）：增加权限：查看数据质量；移除权限：维护农户档案',
    ]);
    expect(logs[1].before).toEqual({ permissions: ['registry:household:edit', 'registry:household:view'] });
    // In use → 409; free → deleted.
    const user = await admin.post('/api/users', { username: 'dc1', name: '录入', dataScope: 'all', roleCodes: ['data_clerk'] });
    expect(user.status).toBe(200);
    const inUse = await admin.delete(`/api/roles/${c.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toMatch(/仍有 1 个用户在使用/);
    await admin.patch(`/api/users/${user.body.user.id}`, { roleCodes: [] });
    expect((await admin.delete(`/api/roles/${c.body.id}`)).status).toBe(200);
    expect((await admin.get('/api/roles')).body.items.some((x: { code: string }) => x.code === 'data_clerk')).toBe(false);
  });

  it('refuses to rename, re-permission or delete a built-in role, with a clear message', async () => {
    const station = (await admin.get('/api/roles')).body.items.find((x: { code: string }) => x.code === 'station');
    const rename = await admin.patch(`/api/roles/${station.id}`, { name: '工作站' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.message).toMatch(/内置角色.*启动时.*重置/);
    expect((await admin.patch(`/api/roles/${station.id}`, { permissions: ['loan:view'] })).status).toBe(409);
    const del = await admin.delete(`/api/roles/${station.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('E1413');
  });

  it('shows the role list to role viewers and user maintainers only', async () => {
    await admin.post('/api/areas', { code: '450000', name: '广西壮族自治区' });
    const mk = async (username: string, roleCodes: string[]) => {
      const r = await admin.post('/api/users', { username, name: username, areaCode: '450000', dataScope: 'area_below', roleCodes, password: 'Role#Pass123' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const c = t.client();
      await c.login(username, 'Role#Pass123');
      await c.post('/api/auth/password', { oldPassword: 'Role#Pass123', newPassword: 'Role#Pass456' });
      return c;
    };
    await admin.post('/api/roles', { code: 'user_keeper', name: '用户维护', permissions: ['system:user:view', 'system:user:edit'] });
    expect((await (await mk('keeper', ['user_keeper'])).get('/api/roles')).status).toBe(200);
    const coop = await (await mk('coopman', ['coop'])).get('/api/roles');
    expect(coop.status).toBe(403);
    expect(coop.body.error.code).toBe('E1105');
  });

  it('validates code, name, permissions and duplicates', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ code: 'Bad-Code', name: '甲', permissions: [] }, 400, /角色代码：角色代码须以小写字母开头/],
      [{ code: 'ok_code', name: '', permissions: [] }, 400, /角色名称：角色名称不能为空/],
      [{ code: 'ok_code', name: '乙', permissions: ['system:nuke'] }, 400, /权限：未知的权限代码 system:nuke/],
      [{ code: 'ok_code', name: '丙', permissions: ['*'] }, 400, /未知的权限代码 \*/],
      [{ code: 'ok_code', name: '丁', permissions: 'loan:view' }, 400, /权限：权限必须是权限代码的数组/],
      [{ code: 'station', name: '戊', permissions: [] }, 409, /角色代码：station 已存在/],
      [{ code: 'ok_code', name: '县扶贫办', permissions: [] }, 409, /角色名称：「县扶贫办」已存在/],
      [{ code: 'ok_code', name: '己', permissions: [], builtin: true }, 400, /不允许的字段 builtin/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await admin.post('/api/roles', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message, JSON.stringify(body)).toMatch(msg);
    }
  });
});
