import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, createUser, seedRegion } from '../test/system-fixtures';

/**
 * Two townships in one county. clerkA: village clerk of 城西村 (township A), scope 本区划及以下 of
 * the village, plus a custom role that lets them manage users and read the log there. stationB:
 * station of 洛阳镇 (township B), scope 本区划及以下 of the township, with a custom role to manage
 * users, areas and orgs. Each must see only their own part of the tree, by list and by id.
 */
let t: TestApp;
let admin: Client;
let clerkA: Client;
let stationB: Client;
let ids: { committeeA: number; stationB: number; clerkA: number; stationBUser: number; otherA: number; otherB: number };

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
  const orgs = await seedRegion(admin);
  const mgr = await admin.post('/api/roles', {
    code: 'local_admin',
    name: '本地管理员',
    permissions: ['system:user:view', 'system:user:edit', 'system:user:reset-password', 'system:audit:view', 'system:area:edit', 'system:org:edit', 'system:role:view', 'system:role:edit'],
  });
  expect(mgr.status, JSON.stringify(mgr.body)).toBe(200);
  const a = await createUser(t, admin, {
    username: 'clerk_a',
    name: '韦小村',
    phone: '13800138000',
    orgId: orgs.committeeA,
    areaCode: REGION.villageA,
    dataScope: 'area_below',
    roleCodes: ['village_clerk', 'local_admin'],
  });
  const b = await createUser(t, admin, {
    username: 'station_b',
    name: '蒙站长',
    orgId: orgs.stationB,
    areaCode: REGION.townB,
    dataScope: 'area_below',
    roleCodes: ['station', 'local_admin'],
  });
  clerkA = a.client;
  stationB = b.client;
  const otherA = await admin.post('/api/users', { username: 'farmer_helper_a', name: '谭帮扶', areaCode: REGION.groupA, dataScope: 'self', roleCodes: ['cadre'] });
  const otherB = await admin.post('/api/users', { username: 'helper_b', name: '覃帮扶', areaCode: REGION.villageB, dataScope: 'area', roleCodes: ['cadre'] });
  ids = { ...orgs, clerkA: a.id, stationBUser: b.id, otherA: otherA.body.user.id, otherB: otherB.body.user.id };
});
afterAll(async () => {
  await t.close();
});

const codes = (r: { body: { items: { code: string }[] } }) => r.body.items.map((i) => i.code);

describe('areas by jurisdiction', () => {
  it('shows each user their scope root, and ancestors read-only for context', async () => {
    expect(codes(await clerkA.get('/api/areas'))).toEqual([REGION.villageA]);
    expect(codes(await stationB.get('/api/areas'))).toEqual([REGION.townB]);
    const county = await stationB.get(`/api/areas?parentCode=${REGION.county}`);
    expect(county.status).toBe(200);
    expect(codes(county)).toEqual([REGION.townB]); // not township A
    const path = await stationB.get(`/api/areas/${REGION.townB}`);
    expect(path.body.path.map((p: { name: string }) => p.name)).toEqual(['广西壮族自治区', '河池市', '环江毛南族自治县']);
    const countyItem = await stationB.get(`/api/areas/${REGION.county}`);
    expect(countyItem.status).toBe(200);
    expect(countyItem.body.inScope).toBe(false);
  });

  it("answers 404 for the other township's areas and 403 for edits of context or outside areas", async () => {
    expect((await stationB.get(`/api/areas/${REGION.villageA}`)).status).toBe(404);
    expect((await stationB.get(`/api/areas?parentCode=${REGION.townA}`)).status).toBe(404);
    expect((await clerkA.get(`/api/areas/${REGION.villageB}`)).status).toBe(404);
    expect((await stationB.patch(`/api/areas/${REGION.villageA}`, { name: '改名村' })).status).toBe(404);
    const ctxEdit = await stationB.patch(`/api/areas/${REGION.county}`, { name: '改名县' });
    expect(ctxEdit.status).toBe(403);
    const outside = await stationB.post('/api/areas', { code: '451226101202', name: '越界村', parentCode: REGION.townA });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('E1107');
    const inside = await stationB.post('/api/areas', { code: '451226102202', name: '新建村', parentCode: REGION.townB });
    expect(inside.status).toBe(200);
  });

  it('searches only within scope', async () => {
    const villages = await stationB.get('/api/areas?level=village');
    expect(codes(villages).sort()).toEqual(['451226102201', '451226102202']);
    const kw = await clerkA.get(`/api/areas?keyword=${encodeURIComponent('村')}`);
    expect(codes(kw)).toEqual([REGION.villageA]);
  });
});

describe('orgs by jurisdiction', () => {
  it('lists only orgs in scope and hides the others by id', async () => {
    const a = await clerkA.get('/api/orgs');
    expect(a.body.items.map((o: { name: string }) => o.name)).toEqual(['城西村村委会']);
    const b = await stationB.get('/api/orgs');
    expect(b.body.items.map((o: { name: string }) => o.name)).toEqual(['洛阳镇扶贫工作站']);
    expect((await stationB.get(`/api/orgs/${ids.committeeA}`)).status).toBe(404);
    expect((await clerkA.get(`/api/orgs/${ids.stationB}`)).status).toBe(404);
    expect((await stationB.patch(`/api/orgs/${ids.committeeA}`, { name: 'x' })).status).toBe(404);
    expect((await stationB.delete(`/api/orgs/${ids.committeeA}`)).status).toBe(404);
    const out = await stationB.post('/api/orgs', { name: '越界机构', kind: 'other', areaCode: REGION.villageA });
    expect(out.status).toBe(403);
    const parentOut = await stationB.post('/api/orgs', { name: '永安村村委会', kind: 'village_committee', areaCode: REGION.villageB, parentId: ids.committeeA });
    expect(parentOut.status).toBe(400);
    expect(parentOut.body.error.message).toMatch(/上级机构/);
  });
});

describe('users by jurisdiction', () => {
  it('lists only users in scope and hides the others (and the admin) by id', async () => {
    const a = await clerkA.get('/api/users');
    expect(a.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['clerk_a', 'farmer_helper_a']);
    const b = await stationB.get('/api/users');
    expect(b.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['helper_b', 'station_b']);
    expect((await stationB.get(`/api/users/${ids.clerkA}`)).status).toBe(404);
    expect((await clerkA.get(`/api/users/${ids.otherB}`)).status).toBe(404);
    expect((await stationB.get('/api/users/1')).status).toBe(404); // admin: no area, scope all only
    expect((await stationB.patch(`/api/users/${ids.otherA}`, { name: 'x' })).status).toBe(404);
    expect((await stationB.post(`/api/users/${ids.otherA}/reset-password`)).status).toBe(404);
    expect((await stationB.delete(`/api/users/${ids.clerkA}`)).status).toBe(404);
  });

  it('masks phones in lists and details', async () => {
    const a = await clerkA.get('/api/users?keyword=clerk');
    expect(a.body.items[0].phoneMasked).toBe('138****8000');
    expect(JSON.stringify(a.body)).not.toContain('13800138000');
  });

  it('refuses to create users outside the scope (403)', async () => {
    const r = await stationB.post('/api/users', { username: 'sneaky', name: '越界', areaCode: REGION.villageA, dataScope: 'area', roleCodes: ['cadre'] });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('E1107');
    const county = await stationB.post('/api/users', { username: 'sneaky2', name: '越界', areaCode: REGION.county, dataScope: 'area', roleCodes: [] });
    expect(county.status).toBe(403);
  });

  it('refuses escalation: scope all, a wider custom scope, the admin role or permissions not held', async () => {
    const base = { name: '升级', areaCode: REGION.villageB, roleCodes: ['cadre'] };
    const all = await stationB.post('/api/users', { ...base, username: 'esc1', dataScope: 'all' });
    expect(all.status).toBe(403);
    expect(all.body.error.code).toBe('E1404');
    expect(all.body.error.message).toMatch(/全部数据/);
    const wide = await stationB.post('/api/users', { ...base, username: 'esc2', dataScope: 'custom', scopeAreas: [REGION.county] });
    expect(wide.status).toBe(403);
    expect(wide.body.error.code).toBe('E1404');
    const adminRole = await stationB.post('/api/users', { ...base, username: 'esc3', dataScope: 'area', roleCodes: ['admin'] });
    expect(adminRole.status).toBe(403);
    expect(adminRole.body.error.code).toBe('E1407');
    const county = await stationB.post('/api/users', { ...base, username: 'esc4', dataScope: 'area', roleCodes: ['county_office'] });
    expect(county.status).toBe(403); // county_office holds registry:workflow:county, the station does not
    const self = await stationB.patch(`/api/users/${ids.stationBUser}`, { dataScope: 'all' });
    expect(self.status).toBe(403);
    const selfRole = await stationB.patch(`/api/users/${ids.stationBUser}`, { roleCodes: ['station', 'local_admin', 'admin'] });
    expect(selfRole.status).toBe(403);
    const role = await stationB.post('/api/roles', { code: 'super_b', name: '超级', permissions: ['loan:disburse'] });
    expect(role.status).toBe(403);
    const mine = await stationB.post('/api/roles', { code: 'viewer_b', name: '只读B', permissions: ['system:area:view', 'loan:view'] });
    expect(mine.status).toBe(200);
    // local_admin is also held by clerk_a in township A: B may not reshape it.
    const roles = (await stationB.get('/api/roles')).body.items;
    const shared = await stationB.patch(`/api/roles/${roles.find((x: { code: string }) => x.code === 'local_admin').id}`, { permissions: ['system:user:view'] });
    expect(shared.status).toBe(403);
    expect(shared.body.error.code).toBe('E1415');
    const own = await stationB.patch(`/api/roles/${mine.body.id}`, { description: '本镇只读' });
    expect(own.status).toBe(200);
    const ok = await stationB.post('/api/users', { ...base, username: 'ok_b', dataScope: 'area_below', roleCodes: ['viewer_b'] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.initialPassword).toMatch(/^.{14}$/);
    const rows = await t.db.selectFrom('app_user').select('username').where('username', 'like', 'esc%').execute();
    expect(rows).toEqual([]);
  });

  it('refuses to manage a user who holds more than the caller', async () => {
    // A county-office user posted in township B is visible to the station but holds more.
    const big = await admin.post('/api/users', { username: 'county_in_b', name: '县里人', areaCode: REGION.townB, dataScope: 'area_below', roleCodes: ['county_office'] });
    expect(big.status).toBe(200);
    const reset = await stationB.post(`/api/users/${big.body.user.id}/reset-password`);
    expect(reset.status).toBe(403);
    expect(reset.body.error.code).toBe('E1403');
    expect((await stationB.delete(`/api/users/${big.body.user.id}`)).status).toBe(403);
  });
});

describe('audit log by jurisdiction', () => {
  it('shows each user only the rows of their areas; system rows only to scope all', async () => {
    const a = await clerkA.get('/api/audit-log?pageSize=200');
    expect(a.status).toBe(200);
    expect(a.body.items.length).toBeGreaterThan(0);
    for (const r of a.body.items) expect(r.areaCode.startsWith(REGION.villageA)).toBe(true);
    const b = await stationB.get('/api/audit-log?pageSize=200');
    expect(b.body.items.length).toBeGreaterThan(0);
    for (const r of b.body.items) expect(r.areaCode.startsWith(REGION.townB)).toBe(true);
    const all = await admin.get('/api/audit-log?pageSize=200');
    expect(all.body.items.some((r: { areaCode: string | null }) => r.areaCode === null)).toBe(true);
    expect(all.body.total).toBeGreaterThan(a.body.total + b.body.total);
    // the creation of clerk_a is in A's log, not in B's
    expect(a.body.items.some((r: { summary: string }) => r.summary.includes('新增用户 clerk_a'))).toBe(true);
    expect(b.body.items.some((r: { summary: string }) => r.summary.includes('clerk_a'))).toBe(false);
  });

  it('verifies the chain only for scope all', async () => {
    expect((await stationB.get('/api/audit-log/verify')).status).toBe(403);
    const v = await admin.get('/api/audit-log/verify');
    expect(v.status).toBe(200);
    expect(v.body.ok).toBe(true);
    expect(v.body.rows).toBeGreaterThan(10);
  });
});

describe('dashboard by jurisdiction', () => {
  it('counts only what is in scope', async () => {
    const b = await stationB.get('/api/dashboard/summary');
    expect(b.status).toBe(200);
    expect(b.body.areas).toEqual({ townships: 1, villages: 2, groups: 0 });
    expect(b.body.roots.map((r: { code: string }) => r.code)).toEqual([REGION.townB]);
    const a = await clerkA.get('/api/dashboard/summary');
    expect(a.body.areas).toEqual({ townships: 0, villages: 1, groups: 1 });
    const all = await admin.get('/api/dashboard/summary');
    expect(all.body.areas.townships).toBe(2);
  });
});

describe('an empty custom scope', () => {
  it('sees nothing at all', async () => {
    const e = await createUser(t, admin, {
      username: 'empty_custom',
      name: '空范围',
      areaCode: REGION.county,
      dataScope: 'custom',
      scopeAreas: [],
      roleCodes: ['county_office', 'local_admin'],
    });
    const c = e.client;
    expect((await c.get('/api/areas')).body.items).toEqual([]);
    expect((await c.get('/api/areas?level=village')).body.items).toEqual([]);
    expect((await c.get('/api/orgs')).body.total).toBe(0);
    expect((await c.get('/api/users')).body.total).toBe(0);
    expect((await c.get('/api/audit-log')).body.total).toBe(0);
    expect((await c.get(`/api/areas/${REGION.county}`)).status).toBe(404);
    const d = await c.get('/api/dashboard/summary');
    expect(d.body.areas).toEqual({ townships: 0, villages: 0, groups: 0 });
    expect(d.body.users.total).toBe(0);
    const create = await c.post('/api/users', { username: 'from_empty', name: '无', areaCode: REGION.villageA, dataScope: 'self', roleCodes: [] });
    expect(create.status).toBe(403);
  });
});
