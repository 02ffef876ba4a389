import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, firstLogin, seedRegion } from '../test/system-fixtures';

let t: TestApp;
let admin: Client;
let orgs: { committeeA: number; stationB: number };
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
  orgs = await seedRegion(admin);
});
afterAll(async () => {
  await t.close();
});

const count = async (table: 'app_user' | 'audit_log' | 'user_role' | 'user_scope_area') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('users', () => {
  let zhangId: number;

  it('creates a user with a generated password shown once, to be changed at first login, and logs it in Chinese', async () => {
    const r = await admin.post('/api/users', {
      username: 'zhangsan',
      name: '张三',
      phone: '13912345678',
      orgId: orgs.committeeA,
      areaCode: REGION.villageA,
      dataScope: 'area_below',
      roleCodes: ['village_clerk'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    zhangId = r.body.user.id;
    expect(r.body.initialPassword).toHaveLength(14);
    expect(r.body.user).toMatchObject({
      username: 'zhangsan',
      name: '张三',
      phoneMasked: '139****5678',
      orgName: '城西村村委会',
      areaName: '城西村',
      countyCode: REGION.county,
      dataScope: 'area_below',
      dataScopeLabel: '本区划及以下',
      roles: [{ code: 'village_clerk', name: '村级扶贫专干' }],
      status: 'active',
      mustChangePassword: true,
    });
    const row = await t.db.selectFrom('app_user').selectAll().where('id', '=', zhangId).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const log = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', String(zhangId)).execute();
    expect(log).toHaveLength(1);
    expect(log[0].summary).toBe('新增用户 zhangsan（张三），岗位：城西村村委会，数据权限：本区划及以下，角色：村级扶贫专干');
    expect(JSON.stringify(log[0].after)).not.toContain('13912345678');
    expect(JSON.stringify(log[0])).not.toContain(r.body.initialPassword);
    // The generated password works, and the first thing asked is a new one.
    const c = t.client();
    await c.login('zhangsan', r.body.initialPassword);
    expect((await c.get('/api/areas')).body.error.code).toBe('E1106');
    const again = await admin.get(`/api/users/${zhangId}`);
    expect(again.body).not.toHaveProperty('initialPassword');
  });

  it('takes a given password only if it is strong, and does not echo it', async () => {
    const weak = await admin.post('/api/users', { username: 'lisi', name: '李四', areaCode: REGION.townA, dataScope: 'area', roleCodes: [], password: 'abcdefgh' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/^密码：/);
    const ok = await admin.post('/api/users', { username: 'lisi', name: '李四', areaCode: REGION.townA, dataScope: 'area', roleCodes: [], password: 'Strong#Pass1' });
    expect(ok.status).toBe(200);
    expect(ok.body.initialPassword).toBeUndefined();
  });

  it('keeps usernames unique regardless of case (409, Chinese)', async () => {
    const r = await admin.post('/api/users', { username: 'ZhangSan', name: '另一个张三', areaCode: REGION.townA, dataScope: 'area', roleCodes: [] });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('用户名：ZhangSan 已被使用（用户名不区分大小写）');
  });

  it('turns a race on one username into a Chinese 409, not a 500', async () => {
    const body = (username: string) => ({ username, name: '并发', areaCode: REGION.townA, dataScope: 'area', roleCodes: [] });
    const results = await Promise.all([admin.post('/api/users', body('racer')), admin.post('/api/users', body('RACER')), admin.post('/api/users', body('Racer'))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('E1408');
  });

  it('validates fields with messages naming them in Chinese', async () => {
    const base = { username: 'wangwu', name: '王五', areaCode: REGION.townA, dataScope: 'area', roleCodes: [] };
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ ...base, username: '1abc' }, 400, /用户名：用户名须以字母开头/],
      [{ ...base, username: 'a b' }, 400, /用户名/],
      [{ ...base, name: 12 }, 400, /姓名：姓名必须是文本/],
      [{ ...base, dataScope: 'everything' }, 400, /数据权限：数据权限只能是/],
      [{ ...base, roleCodes: 'admin' }, 400, /角色：角色必须是角色代码的数组/],
      [{ ...base, roleCodes: ['no_such_role'] }, 400, /角色：角色 no_such_role 不存在/],
      [{ ...base, areaCode: null }, 400, /岗位区划：除“全部数据”外必须选择岗位所在区划/],
      [{ ...base, areaCode: '451226101999' }, 400, /岗位区划：区划 451226101999 不存在/],
      [{ ...base, scopeAreas: [REGION.townA] }, 400, /自定义区划：只有“自定义区划”/],
      [{ ...base, dataScope: 'custom', scopeAreas: ['451226109000'] }, 400, /自定义区划/],
      [{ ...base, phone: '123' }, 400, /手机号：电话号码格式不正确/],
      [{ ...base, orgId: 'x' }, 400, /所属机构/],
      [{ ...base, isAdmin: true }, 400, /不允许的字段 isAdmin/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await admin.post('/api/users', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message, JSON.stringify(body)).toMatch(msg);
    }
    expect(await t.db.selectFrom('app_user').select('id').where('username', '=', 'wangwu').executeTakeFirst()).toBeUndefined();
  });

  it('stores HTML and SQL in names harmlessly', async () => {
    const evil = `<i>王</i>';DROP TABLE x;--`;
    const r = await admin.post('/api/users', { username: 'evil', name: evil, areaCode: REGION.townA, dataScope: 'self', roleCodes: [] });
    expect(r.status).toBe(200);
    expect((await admin.get(`/api/users/${r.body.user.id}`)).body.name).toBe(evil);
  });

  it('lists with filters and pinyin order of names', async () => {
    for (const [username, name] of [
      ['zhaoliu', '赵六'],
      ['along', '阿龙'],
    ] as const) {
      await admin.post('/api/users', { username, name, areaCode: REGION.townA, dataScope: 'area', roleCodes: ['cadre'] });
    }
    const r = await admin.get(`/api/users?areaCode=${REGION.townA}&keyword=`);
    const names = r.body.items.map((u: { name: string }) => u.name).filter((n: string) => !n.startsWith('<'));
    expect(names).toEqual(['阿龙', '并发', '李四', '张三', '赵六']);
    const cadres = await admin.get('/api/users?roleCode=cadre');
    expect(cadres.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['along', 'zhaoliu']);
    const byOrg = await admin.get(`/api/users?orgId=${orgs.committeeA}`);
    expect(byOrg.body.items.map((u: { username: string }) => u.username)).toEqual(['zhangsan']);
    // Forms send empty filters; they mean "no filter", not a 400.
    const blanks = await admin.get('/api/users?areaCode=&orgId=&status=&roleCode=&keyword=');
    expect(blanks.status).toBe(200);
    expect(blanks.body.total).toBeGreaterThanOrEqual(6);
    expect((await admin.get('/api/orgs?areaCode=&kind=&status=')).status).toBe(200);
    expect((await admin.get('/api/areas?parentCode=&level=&keyword=')).body.items.map((a: { code: string }) => a.code)).toEqual([REGION.province]);
    expect((await admin.get('/api/audit-log?from=&to=&module=')).status).toBe(200);
    const byUsername = await admin.get('/api/users?sort=username&order=desc&pageSize=2');
    expect(byUsername.body.items.map((u: { username: string }) => u.username)).toEqual(['zhaoliu', 'zhangsan']);
  });

  it('updates post, scope and roles with a field-level log; disabling ends sessions; reset gives a one-time password', async () => {
    const users = await t.db.selectFrom('app_user').select(['id', 'username']).execute();
    const zhaoId = users.find((u) => u.username === 'zhaoliu')!.id;
    const pw = (await admin.post(`/api/users/${zhaoId}/reset-password`)).body.password as string;
    const zhao = await firstLogin(t, 'zhaoliu', pw);
    expect((await zhao.get('/api/auth/me')).status).toBe(200);

    const up = await admin.patch(`/api/users/${zhaoId}`, { dataScope: 'custom', scopeAreas: [REGION.villageA, REGION.villageB], roleCodes: ['cadre', 'inspector'] });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.scopeAreas.map((a: { name: string }) => a.name)).toEqual(['城西村', '永安村']);
    const log = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', String(zhaoId)).where('action', '=', 'update').executeTakeFirstOrThrow();
    expect(log.summary).toMatch(/^修改用户 zhaoliu（赵六）：数据权限（本区划 → 自定义区划），自定义区划，角色（/);
    expect(log.before).toEqual({ dataScope: 'area', scopeAreas: [], roleCodes: ['cadre'] });
    expect(log.after).toEqual({ dataScope: 'custom', scopeAreas: [REGION.villageA, REGION.villageB], roleCodes: ['cadre', 'inspector'] });
    // The change takes effect on the user's very next request.
    expect((await zhao.get('/api/areas')).body.items.map((a: { code: string }) => a.code)).toEqual([REGION.villageA, REGION.villageB]);

    const off = await admin.delete(`/api/users/${zhaoId}`);
    expect(off.body.status).toBe('disabled');
    expect((await zhao.get('/api/auth/me')).status).toBe(401);
    const sessions = await t.db.selectFrom('session').select('user_id').where('user_id', '=', zhaoId).execute();
    expect(sessions).toEqual([]);
    const disabledLogin = await t.client().post('/api/auth/login', { username: 'zhaoliu', password: `Fresh#${pw.slice(0, 6)}9x` });
    expect(disabledLogin.status).toBe(401);
    expect((await admin.patch(`/api/users/${zhaoId}`, { status: 'active' })).body.status).toBe('active');
    const offLog = await t.db.selectFrom('audit_log').select('summary').where('entity_id', '=', String(zhaoId)).where('action', 'in', ['disable', 'enable']).orderBy('id').execute();
    expect(offLog.map((l) => l.summary)).toEqual(['停用用户 zhaoliu（赵六）', '启用用户 zhaoliu（赵六）']);

    const again = t.client();
    await again.login('zhaoliu', `Fresh#${pw.slice(0, 6)}9x`);
    const reset = await admin.post(`/api/users/${zhaoId}/reset-password`);
    expect(reset.status).toBe(200);
    expect((await again.get('/api/auth/me')).status).toBe(401); // reset ends sessions
    const fresh = t.client();
    const login = await fresh.login('zhaoliu', reset.body.password);
    expect(login.body.user.mustChangePassword).toBe(true);
    const resetLog = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'reset-password').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(resetLog.summary).toBe('重置用户 zhaoliu（赵六）的密码，下次登录须修改');
    expect(JSON.stringify(resetLog)).not.toContain(reset.body.password);
  });

  it('keeps staff of an org disabled later editable, but lets nobody new join it', async () => {
    expect((await admin.patch(`/api/orgs/${orgs.stationB}`, { status: 'disabled' })).status).toBe(200);
    const zhang = (await admin.get('/api/users?keyword=zhangsan')).body.items[0];
    const moved = await admin.patch(`/api/users/${zhang.id}`, { orgId: orgs.stationB });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toMatch(/所属机构：机构 洛阳镇扶贫工作站 已停用/);
    await admin.patch(`/api/orgs/${orgs.committeeA}`, { status: 'disabled' });
    const renamed = await admin.patch(`/api/users/${zhang.id}`, { name: '张三丰' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.orgName).toBe('城西村村委会');
    await admin.patch(`/api/orgs/${orgs.committeeA}`, { status: 'active' });
  });

  it('refuses to disable oneself or reset one’s own password here', async () => {
    expect((await admin.delete('/api/users/1')).status).toBe(409);
    expect((await admin.post('/api/users/1/reset-password')).status).toBe(409);
    expect((await admin.get('/api/users/999999')).status).toBe(404);
  });

  it('leaves no user, role link or audit row behind when the command fails half-way', async () => {
    const before = { users: await count('app_user'), roles: await count('user_role'), audit: await count('audit_log') };
    await sql`CREATE FUNCTION fail_scope() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER fail_scope BEFORE INSERT ON user_scope_area FOR EACH ROW EXECUTE FUNCTION fail_scope()`.execute(t.db);
    try {
      const r = await admin.post('/api/users', { username: 'halfway', name: '半途', areaCode: REGION.county, dataScope: 'custom', scopeAreas: [REGION.townA], roleCodes: ['cadre'] });
      expect(r.status).toBe(500);
      expect(r.body.error.message).not.toMatch(/disk full/);
    } finally {
      await sql`DROP TRIGGER fail_scope ON user_scope_area`.execute(t.db);
    }
    expect({ users: await count('app_user'), roles: await count('user_role'), audit: await count('audit_log') }).toEqual(before);
  });
});
