import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { login, quickCadre, quickHousehold, seedRegion, type Fixture } from '../test-fixtures';

let t: TestApp;
let f: Fixture;
let stationA: Client;
let stationB: Client;
beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  stationA = await login(t, 'station_a');
  stationB = await login(t, 'station_b');
});
afterAll(async () => {
  await t.close();
});

const V1 = '341202001001';
const V3 = '341202002001';

describe('单位包村', () => {
  it('assigns units to a village with one lead unit at a time', async () => {
    const lead = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.jt, villageCode: V1, isLead: true, startDate: '2026-01-01' });
    expect(lead.status).toBe(200);
    expect(lead.body).toMatchObject({ unitName: '区交通运输局', villageName: '一村', townshipName: '甲镇', isLead: true, endDate: null });

    const second = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.wg, villageCode: V1, isLead: true, startDate: '2026-01-01' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('E4106');
    expect(second.body.error.message).toMatch(/已有牵头帮扶单位 区交通运输局/);

    const helper = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.wg, villageCode: V1, startDate: '2026-01-01' });
    expect(helper.status).toBe(200);
    const again = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.wg, villageCode: V1, startDate: '2026-02-01' });
    expect(again.body.error.code).toBe('E4107');

    // the lead moves: end the old lead's role, then the other unit can lead
    const unlead = await stationA.patch(`/api/visits/unit-villages/${lead.body.id}`, { version: lead.body.version, isLead: false });
    expect(unlead.status).toBe(200);
    const stale = await stationA.patch(`/api/visits/unit-villages/${lead.body.id}`, { version: lead.body.version, note: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('E1010');
    const promote = await stationA.patch(`/api/visits/unit-villages/${helper.body.id}`, { version: helper.body.version, isLead: true });
    expect(promote.body.isLead).toBe(true);

    const list = await stationA.get(`/api/visits/unit-villages?areaCode=341202001`);
    expect(list.body.total).toBe(2);
  });

  it('refuses villages outside the station, non-village areas and organisations that are not units', async () => {
    const outside = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.jt, villageCode: V3, startDate: '2026-01-01' });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('E1107');
    const notUnit = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.stationA, villageCode: '341202001002', startDate: '2026-01-01' });
    expect(notUnit.status).toBe(400);
    expect(notUnit.body.error.code).toBe('E4108');
    const bad = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.jt, villageCode: '3412', startDate: '2026-13-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/村代码须为 12 位数字/);
    expect(bad.body.error.message).toMatch(/开始日期/);
    // station B does not even see 一村's assignments
    const seen = await stationB.get('/api/visits/unit-villages');
    expect(seen.body.total).toBe(0);
  });

  it('ends an assignment with a reason and keeps it in history', async () => {
    const a = await stationA.post('/api/visits/unit-villages', { unitOrgId: f.orgs.jt, villageCode: '341202001002', startDate: '2026-03-01' });
    const early = await stationA.post(`/api/visits/unit-villages/${a.body.id}/end`, { endDate: '2026-01-01', reason: '调整' });
    expect(early.body.error.code).toBe('E4105');
    const ended = await stationA.post(`/api/visits/unit-villages/${a.body.id}/end`, { endDate: '2026-06-30', reason: '帮扶任务调整' });
    expect(ended.body).toMatchObject({ endDate: '2026-06-30', endReason: '帮扶任务调整' });
    const twice = await stationA.post(`/api/visits/unit-villages/${a.body.id}/end`, { endDate: '2026-06-30', reason: '再次' });
    expect(twice.body.error.code).toBe('E4104');
    const current = await stationA.get('/api/visits/unit-villages?areaCode=341202001002');
    expect(current.body.total).toBe(0);
    const all = await stationA.get('/api/visits/unit-villages?areaCode=341202001002&current=false');
    expect(all.body.total).toBe(1);
  });
});

describe('帮扶干部', () => {
  let cadre1: number;
  it('offers the county’s units to a township station, not another county’s', async () => {
    const r = await stationA.get('/api/visits/units');
    expect(r.body.items.map((u: { name: string }) => u.name).sort()).toEqual(['区交通运输局', '区文广旅局'].sort());
    const k = await stationA.get('/api/visits/units?keyword=交通');
    expect(k.body.items.map((u: { name: string }) => u.name)).toEqual(['区交通运输局']);
  });

  it('registers a cadre from a login (name taken from the account) and one without a login', async () => {
    const r = await stationA.post('/api/visits/cadres', { userId: f.users.cadre1, unitOrgId: f.orgs.jt, post: '科员' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: '张帮扶', countyCode: '341202', username: 'cadre1', unitName: '区交通运输局', status: 'active', statusLabel: '在岗', pairedCount: 0 });
    expect(r.body.phoneMasked).toBe('138****1111');
    cadre1 = r.body.id;
    const dup = await stationA.post('/api/visits/cadres', { userId: f.users.cadre1, unitOrgId: f.orgs.wg });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('E4109');
    const noName = await stationA.post('/api/visits/cadres', { unitOrgId: f.orgs.jt });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toMatch(/姓名/);
    const offline = await stationA.post('/api/visits/cadres', { name: '陈无号', unitOrgId: f.orgs.jt, phone: '13700002222' });
    expect(offline.body).toMatchObject({ userId: null, name: '陈无号', phoneMasked: '137****2222' });
    const badPhone = await stationA.post('/api/visits/cadres', { name: '错号', unitOrgId: f.orgs.jt, phone: '12345' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.message).toMatch(/电话/);
  });

  it('shows the county roster to every station of the county, but a cadre only themselves', async () => {
    const b = await stationB.get('/api/visits/cadres');
    expect(b.body.items.map((c: { name: string }) => c.name)).toContain('张帮扶');
    const c1 = await login(t, 'cadre1');
    const own = await c1.get('/api/visits/cadres');
    expect(own.body.items.map((c: { name: string }) => c.name)).toEqual(['张帮扶']);
    const c3 = await login(t, 'cadre3');
    expect((await c3.get(`/api/visits/cadres/${cadre1}`)).status).toBe(404);
    // a cadre cannot register cadres
    expect((await c1.post('/api/visits/cadres', { name: '越权', unitOrgId: f.orgs.jt })).status).toBe(403);
  });

  it('edits with optimistic locking and records the change in the operation log', async () => {
    const cur = await stationA.get(`/api/visits/cadres/${cadre1}`);
    const r = await stationA.patch(`/api/visits/cadres/${cadre1}`, { version: cur.body.version, post: '副科长', phone: '13600003333' });
    expect(r.body).toMatchObject({ post: '副科长', phoneMasked: '136****3333', version: cur.body.version + 1 });
    const stale = await stationA.patch(`/api/visits/cadres/${cadre1}`, { version: cur.body.version, post: '科长' });
    expect(stale.status).toBe(409);
    const log = await t.db.selectFrom('audit_log').select(['summary', 'before', 'after']).where('entity', '=', 'cadre').where('action', '=', 'update').execute();
    expect(log[0].summary).toMatch(/修改帮扶干部 张帮扶/);
    expect(JSON.stringify(log[0].after)).not.toContain('13600003333');
  });
});

describe('干部包户', () => {
  let c1: number, c2: number, c3: number, retired: number, dsCadre: number;
  beforeAll(async () => {
    const mk = async (body: object) => (await stationA.post('/api/visits/cadres', body)).body.id as number;
    c1 = (await stationA.get('/api/visits/cadres?keyword=张帮扶')).body.items[0].id;
    c2 = await mk({ userId: f.users.cadre2, unitOrgId: f.orgs.jt });
    c3 = await mk({ userId: f.users.cadre3, unitOrgId: f.orgs.wg });
    retired = await mk({ name: '退休老周', unitOrgId: f.orgs.wg });
    const cur = await stationA.get(`/api/visits/cadres/${retired}`);
    await stationA.post(`/api/visits/cadres/${retired}/status`, { version: cur.body.version, status: 'retired', since: '2026-06-30', reason: '到龄退休' });
    const county = await login(t, 'county');
    // the county office cannot register a cadre in another county …
    const foreign = await county.post('/api/visits/cadres', { name: '外县干部', unitOrgId: f.orgs.dsUnit });
    expect(foreign.status).toBe(403);
    // … that county's own station would
    dsCadre = await quickCadre(t.db, { county: '341321', name: '外县干部', unitOrgId: f.orgs.dsUnit });
  });

  it('pairs a household with one responsible cadre and refuses a second without “replace”', async () => {
    const p = await stationA.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c1, startDate: '2026-01-01', reason: '年度结对安排' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ headName: '赵一', cadreName: '张帮扶', unitName: '区交通运输局', startDate: '2026-01-01', endDate: null, villageName: '一村' });
    const second = await stationA.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c2, startDate: '2026-05-01', reason: '调整' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('E4101');
    expect(second.body.error.message).toMatch(/已有帮扶责任人 张帮扶/);
    const same = await stationA.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c1, startDate: '2026-05-01', reason: '重复' });
    expect(same.body.error.code).toBe('E4112');
  });

  it('replaces the cadre: the old pairing ends the day before, history keeps both with reasons', async () => {
    const early = await stationA.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c2, startDate: '2025-12-01', reason: '调整', replace: true });
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('E4102');
    const r = await stationA.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c2, startDate: '2026-08-15', reason: '原责任人工作调整', replace: true });
    expect(r.status).toBe(200);
    const hist = await stationA.get(`/api/visits/pairings?householdId=${f.households.h1}&current=false`);
    expect(hist.body.items.map((p: { cadreName: string; startDate: string; endDate: string | null }) => [p.cadreName, p.startDate, p.endDate])).toEqual([
      ['李帮扶', '2026-08-15', null],
      ['张帮扶', '2026-01-01', '2026-08-14'],
    ]);
    expect(hist.body.items[1].endReason).toMatch(/更换帮扶责任人：原责任人工作调整/);
    const log = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'pairing').where('action', '=', 'replace').executeTakeFirstOrThrow();
    expect(log.summary).toMatch(/赵一.*更换帮扶责任人：张帮扶 → 李帮扶/);
  });

  it('refuses a start date inside an ended pairing, retired cadres, and cadres of another county', async () => {
    await stationA.post('/api/visits/pairings', { householdId: f.households.h2, cadreId: c1, startDate: '2026-01-01', reason: '结对' });
    const cur = (await stationA.get(`/api/visits/pairings?householdId=${f.households.h2}`)).body.items[0];
    await stationA.post(`/api/visits/pairings/${cur.id}/end`, { endDate: '2026-03-31', reason: '户已销户' });
    const overlap = await stationA.post('/api/visits/pairings', { householdId: f.households.h2, cadreId: c2, startDate: '2026-03-01', reason: '重新结对' });
    expect(overlap.body.error.code).toBe('E4102');
    expect(overlap.body.error.message).toMatch(/2026-04-01/);
    const ok = await stationA.post('/api/visits/pairings', { householdId: f.households.h2, cadreId: c2, startDate: '2026-04-01', reason: '重新结对' });
    expect(ok.status).toBe(200);

    const ret = await stationA.post('/api/visits/pairings', { householdId: f.households.h3, cadreId: retired, startDate: '2026-07-01', reason: '结对' });
    expect(ret.status).toBe(409);
    expect(ret.body.error.code).toBe('E4103');
    expect(ret.body.error.message).toMatch(/已退休/);
    const other = await stationA.post('/api/visits/pairings', { householdId: f.households.h3, cadreId: dsCadre, startDate: '2026-07-01', reason: '结对' });
    expect(other.status).toBe(404); // the station does not see another county's cadres
    const county = await login(t, 'county');
    expect((await county.get(`/api/visits/cadres/${dsCadre}`)).status).toBe(404); // nor does the county office of 埇桥区 see 砀山县's
    const admin = await t.admin();
    const mixed = await admin.post('/api/visits/pairings', { householdId: f.households.h3, cadreId: dsCadre, startDate: '2026-07-01', reason: '结对' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.code).toBe('E4110');
  });

  it('keeps a station to its township: another station gets 404 for the household', async () => {
    const r = await stationB.post('/api/visits/pairings', { householdId: f.households.h1, cadreId: c3, startDate: '2026-09-01', reason: '越权', replace: true });
    expect(r.status).toBe(404);
    const pb = await stationB.post('/api/visits/pairings', { householdId: f.households.h4, cadreId: c3, startDate: '2026-01-01', reason: '结对' });
    expect(pb.status).toBe(200);
    const listB = await stationB.get('/api/visits/pairings');
    expect(listB.body.items.map((p: { headName: string }) => p.headName)).toEqual(['李四']);
  });

  it('lets a cadre see only their own paired households, and a unit its cadres’ households', async () => {
    await stationA.post('/api/visits/pairings', { householdId: f.households.h3, cadreId: c1, startDate: '2026-01-01', reason: '结对' });
    const cadre1 = await login(t, 'cadre1');
    const mine = await cadre1.get('/api/visits/pairings');
    expect(mine.body.items.map((p: { headName: string }) => p.headName)).toEqual(['孙三']); // 赵一 moved to 李帮扶 on 08-15
    const cadre3 = await login(t, 'cadre3');
    expect((await cadre3.get('/api/visits/pairings')).body.items.map((p: { headName: string }) => p.headName)).toEqual(['李四']);
    const unit = await login(t, 'unit_jt');
    const unitView = await unit.get('/api/visits/pairings');
    expect(unitView.body.items.map((p: { headName: string }) => p.headName).sort()).toEqual(['孙三', '赵一', '钱二'].sort());
    // a cadre cannot pair anyone
    expect((await cadre1.post('/api/visits/pairings', { householdId: f.households.h3, cadreId: c1, startDate: '2026-01-01', reason: 'x' })).status).toBe(403);
  });

  it('reports the households to re-pair when a cadre retires, and lists them', async () => {
    const cur = await stationA.get(`/api/visits/cadres/${c1}`);
    const r = await stationA.post(`/api/visits/cadres/${c1}/status`, { version: cur.body.version, status: 'retired', since: '2026-09-30', reason: '退休' });
    expect(r.status).toBe(200);
    expect(r.body.householdsToRepair).toBe(1);
    expect(r.body.cadre.statusLabel).toBe('已退休');
    const repair = await stationA.get('/api/visits/pairings?needsRepair=true');
    expect(repair.body.items.map((p: { headName: string; cadreStatus: string }) => [p.headName, p.cadreStatus])).toEqual([['孙三', 'retired']]);
  });
});

describe('走访豁免', () => {
  it('records an exemption for a household or a cadre, never both, and revokes it once', async () => {
    const both = await stationA.post('/api/visits/exemptions', { householdId: f.households.h1, cadreId: 1, fromDate: '2026-08-01', toDate: '2026-08-31', reason: 'x' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/须且只能填一个/);
    const backwards = await stationA.post('/api/visits/exemptions', { householdId: f.households.h1, fromDate: '2026-08-31', toDate: '2026-08-01', reason: 'x' });
    expect(backwards.body.error.message).toMatch(/结束日期不能早于开始日期/);
    const e = await stationA.post('/api/visits/exemptions', { householdId: f.households.h1, fromDate: '2026-08-01', toDate: '2026-08-31', reason: '全家外出务工' });
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ headName: '赵一', revoked: false });
    expect((await stationB.post(`/api/visits/exemptions/${e.body.id}/revoke`)).status).toBe(404);
    const list = await stationA.get('/api/visits/exemptions?month=2026-08');
    expect(list.body.total).toBe(1);
    const rv = await stationA.post(`/api/visits/exemptions/${e.body.id}/revoke`);
    expect(rv.body.revoked).toBe(true);
    expect((await stationA.post(`/api/visits/exemptions/${e.body.id}/revoke`)).body.error.code).toBe('E4116');
  });
});

describe('批量结对 from Excel', () => {
  async function upload(c: Client, rows: (string | null)[][], dryRun: boolean) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('结对名单');
    ws.addRow(['2026 年结对名单']);
    ws.addRow(['户编号', '户主', '帮扶责任人', '帮扶单位', '开始日期', '原因', '更换']);
    for (const r of rows) ws.addRow(r);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await fetch(`${t.base}/api/visits/pairings/import?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body,
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  it('checks every row, applies the good ones and reports the others with a reason', async () => {
    const hA = await quickHousehold(t.db, V1, '甲户', '0901');
    const hB = await quickHousehold(t.db, V1, '乙户', '0902');
    const noA = `${V1}0901`;
    const noB = `${V1}0902`;
    const h1 = await t.db.selectFrom('household').select('household_no').where('id', '=', f.households.h1).executeTakeFirstOrThrow();
    const h4 = await t.db.selectFrom('household').select('household_no').where('id', '=', f.households.h4).executeTakeFirstOrThrow();
    const rows = [
      [noA, '甲户', '王帮扶', '区文广旅局', '2026-09-01', '年度结对安排', '否'],
      [noB, '错名', '王帮扶', null, '2026-09-01', null, null],
      ['999999999999999999', null, '王帮扶', null, null, null, null],
      [h4.household_no, null, '王帮扶', null, null, null, null],
      [noB, null, '不存在的人', null, '2026/9/1', null, null],
      [h1.household_no, null, '王帮扶', null, '2026-09-01', null, null],
    ];
    const dry = await upload(stationA, rows, true);
    expect(dry.status).toBe(200);
    expect(dry.body.rows.map((r: { status: string }) => r.status)).toEqual(['ok', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(dry.body.rows[1].message).toMatch(/户主姓名与档案不符/);
    expect(dry.body.rows[2].message).toMatch(/不存在/);
    expect(dry.body.rows[3].message).toMatch(/不在您的管辖范围/);
    expect(dry.body.rows[4].message).toMatch(/找不到帮扶干部/);
    expect(dry.body.rows[5].message).toMatch(/已有帮扶责任人 李帮扶/);
    expect(await t.db.selectFrom('pairing').select('id').where('household_id', '=', hA).execute()).toHaveLength(0);

    const real = await upload(stationA, rows, false);
    expect(real.body).toMatchObject({ applied: 1, rejected: 5 });
    const p = await stationA.get(`/api/visits/pairings?householdId=${hA}`);
    expect(p.body.items[0]).toMatchObject({ cadreName: '王帮扶', startDate: '2026-09-01', startReason: '年度结对安排' });
    expect(await t.db.selectFrom('pairing').select('id').where('household_id', '=', hB).execute()).toHaveLength(0);
  });

  it('refuses a file that is not a workbook or lacks the columns, and logins that may not pair', async () => {
    const bad = await fetch(`${t.base}/api/visits/pairings/import`, {
      method: 'POST',
      headers: { cookie: stationA.cookie, 'x-csrf-token': stationA.csrf, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: Buffer.from('not a zip'),
    });
    expect(bad.status).toBe(400);
    const noCols = await upload(stationA, [], true);
    expect(noCols.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['姓名', '电话']);
    const r = await fetch(`${t.base}/api/visits/pairings/import`, {
      method: 'POST',
      headers: { cookie: stationA.cookie, 'x-csrf-token': stationA.csrf, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.message).toMatch(/户编号/);
    const cadre = await login(t, 'cadre1');
    expect((await upload(cadre, [], true)).status).toBe(403);
    const tpl = await fetch(`${t.base}/api/visits/pairings/import-template`, { headers: { cookie: stationA.cookie } });
    expect(tpl.status).toBe(200);
    const twb = new ExcelJS.Workbook();
    await twb.xlsx.load(Buffer.from(await tpl.arrayBuffer()) as unknown as ArrayBuffer);
    expect(twb.worksheets[0].getRow(1).values).toEqual(expect.arrayContaining(['户编号', '帮扶责任人']));
  });
});
