import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, seedRegion } from '../test/system-fixtures';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
  await seedRegion(admin);
});
afterAll(async () => {
  await t.close();
});

describe('audit-log routes', () => {
  it('pages newest first with module, entity, username and keyword filters', async () => {
    const all = await admin.get('/api/audit-log?pageSize=5');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    expect(all.body.total).toBeGreaterThanOrEqual(11);
    const ats = all.body.items.map((i: { at: string }) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const areas = await admin.get('/api/audit-log?module=areas&pageSize=100');
    expect(areas.body.total).toBe(8);
    const one = await admin.get(`/api/audit-log?entity=area&entityId=${REGION.townB}`);
    expect(one.body.items.map((i: { summary: string }) => i.summary)).toEqual(['新增乡镇 洛阳镇（451226102），上级：环江毛南族自治县']);
    const kw = await admin.get(`/api/audit-log?keyword=${encodeURIComponent('村委会')}`);
    expect(kw.body.total).toBe(1);
    expect(kw.body.items[0]).toMatchObject({ module: 'orgs', action: 'create', entity: 'org', areaCode: REGION.villageA, countyCode: REGION.county, username: 'admin' });
    const who = await admin.get('/api/audit-log?username=ADMIN&module=orgs');
    expect(who.body.total).toBe(2);
  });

  it('filters by time range (a bare date is a whole day in China time)', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const r = await admin.get(`/api/audit-log?from=${today}&to=${today}&module=areas`);
    expect(r.body.total).toBe(8);
    const past = await admin.get('/api/audit-log?to=2020-01-01');
    expect(past.body.total).toBe(0);
    const bad = await admin.get('/api/audit-log?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/开始时间/);
  });

  it('needs system:audit:view', async () => {
    await admin.post('/api/users', { username: 'nolog', name: '无日志', areaCode: REGION.townA, dataScope: 'area_below', roleCodes: ['coop'], password: 'Quiet#Pass1' });
    const c = t.client();
    await c.login('nolog', 'Quiet#Pass1');
    await c.post('/api/auth/password', { oldPassword: 'Quiet#Pass1', newPassword: 'Quiet#Pass2' });
    expect((await c.get('/api/audit-log')).status).toBe(403);
  });
});
