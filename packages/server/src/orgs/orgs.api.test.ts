import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, seedRegion } from '../test/system-fixtures';

let t: TestApp;
let admin: Client;
let seeded: { committeeA: number; stationB: number };
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
  seeded = await seedRegion(admin);
});
afterAll(async () => {
  await t.close();
});

describe('orgs', () => {
  it('creates an org on an area with its kind label and county, and logs it once', async () => {
    const r = await admin.post('/api/orgs', { name: '思恩镇扶贫工作站', kind: 'station', areaCode: REGION.townA, phone: '0778-8821234' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: '思恩镇扶贫工作站', kind: 'station', kindLabel: '乡镇扶贫工作站', areaCode: REGION.townA, areaName: '思恩镇', countyCode: REGION.county, status: 'active', userCount: 0, phone: '0778-8821234' });
    const logs = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'org').where('entity_id', '=', String(r.body.id)).execute();
    expect(logs).toHaveLength(1);
    expect(logs[0].summary).toBe('新增机构 思恩镇扶贫工作站（乡镇扶贫工作站），所在区划：思恩镇');
    const child = await admin.post('/api/orgs', { name: '城西村扶贫专干组', kind: 'other', areaCode: REGION.villageA, parentId: r.body.id });
    expect(child.body.parentName).toBe('思恩镇扶贫工作站');
  });

  it('validates kind, area, parent, phone and unknown fields with Chinese messages', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ name: '甲', kind: 'spaceship', areaCode: REGION.townA }, 400, /机构类型：「spaceship」不是有效的机构类型/],
      [{ name: '乙', kind: 'other', areaCode: '451226101999' }, 400, /所在区划：区划 451226101999 不存在/],
      [{ name: '丙', kind: 'other', areaCode: 'abc' }, 400, /所在区划/],
      [{ name: '丁', kind: 'other', areaCode: REGION.townA, parentId: 99999 }, 400, /上级机构/],
      [{ name: '戊', kind: 'other', areaCode: REGION.townA, phone: '12345' }, 400, /电话：电话号码格式不正确/],
      [{ name: '', kind: 'other', areaCode: REGION.townA }, 400, /机构名称：机构名称不能为空/],
      [{ name: '己', kind: 'other', areaCode: REGION.townA, status: 'active' }, 400, /不允许的字段 status/],
      [{ name: '庚', kind: 5, areaCode: REGION.townA }, 400, /机构类型/],
      [{ name: '洛阳镇扶贫工作站', kind: 'station', areaCode: REGION.townB }, 409, /已有名为「洛阳镇扶贫工作站」/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await admin.post('/api/orgs', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message, JSON.stringify(body)).toMatch(msg);
    }
  });

  it('lists with filters, paging and pinyin order', async () => {
    for (const name of ['张村合作社', '阿哥扶贫车间', '王家帮扶队']) {
      expect((await admin.post('/api/orgs', { name, kind: 'unit', areaCode: REGION.county })).status).toBe(200);
    }
    const units = await admin.get('/api/orgs?kind=unit');
    expect(units.body.items.map((o: { name: string }) => o.name)).toEqual(['阿哥扶贫车间', '王家帮扶队', '张村合作社']);
    const page = await admin.get('/api/orgs?kind=unit&pageSize=2&page=2');
    expect(page.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.body.items.map((o: { name: string }) => o.name)).toEqual(['张村合作社']);
    const inTownA = await admin.get(`/api/orgs?areaCode=${REGION.townA}`);
    expect(inTownA.body.items.map((o: { name: string }) => o.name)).toEqual(['城西村村委会', '城西村扶贫专干组', '思恩镇扶贫工作站']);
    const kw = await admin.get(`/api/orgs?keyword=${encodeURIComponent('工作站')}`);
    expect(kw.body.total).toBe(2);
    const bad = await admin.get('/api/orgs?pageSize=500');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/每页条数/);
  });

  it('updates with a field-level diff, refuses cycles, disables, and deletes only unused orgs', async () => {
    const station = (await admin.get(`/api/orgs?keyword=${encodeURIComponent('思恩镇扶贫工作站')}`)).body.items[0];
    const child = (await admin.get(`/api/orgs?keyword=${encodeURIComponent('专干组')}`)).body.items[0];
    const cycle = await admin.patch(`/api/orgs/${station.id}`, { parentId: child.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.message).toMatch(/上级机构：不能选择本机构或其下级机构/);
    const up = await admin.patch(`/api/orgs/${station.id}`, { phone: '0778-8829999', name: '思恩镇扶贫站' });
    expect(up.status).toBe(200);
    const log = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'org').where('entity_id', '=', String(station.id)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(log.summary).toBe('修改机构 思恩镇扶贫工作站：名称、电话');
    expect(log.before).toEqual({ name: '思恩镇扶贫工作站', phone: '0778-8821234' });
    expect(log.after).toEqual({ name: '思恩镇扶贫站', phone: '0778-8829999' });
    const used = await admin.delete(`/api/orgs/${station.id}`);
    expect(used.status).toBe(409);
    expect(used.body.error.message).toMatch(/1 个下级机构.*停用/);
    const off = await admin.patch(`/api/orgs/${seeded.stationB}`, { status: 'disabled' });
    expect(off.body.status).toBe('disabled');
    const inUse = await admin.post('/api/users', { username: 'to_disabled_org', name: '某', orgId: seeded.stationB, areaCode: REGION.townB, dataScope: 'area', roleCodes: [] });
    expect(inUse.status).toBe(400);
    expect(inUse.body.error.message).toMatch(/已停用/);
    expect((await admin.delete(`/api/orgs/${child.id}`)).status).toBe(200);
    expect((await admin.get(`/api/orgs/${child.id}`)).status).toBe(404);
  });
});
