import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { addMonths, monthOf, monthRange } from '../rules';
import { login, quickCadre, quickHousehold, quickPairing, quickVisit, seedRegion, type Fixture } from '../test-fixtures';

/**
 * One past month M, fully known (every date is inside M):
 *   一村  h1 c1 whole month, 2 home visits ............ met
 *         h2 c1 whole month, 1 home visit ............. missed
 *         h6 retired cadre, no visit .................. unassigned (需重新结对)
 *         h7 exempt all month ......................... exempt
 *         h8 c1 from day 20 (1 visit required), 1 visit  met
 *         h9 c1 to day 14, c2 from day 15; c1 visited day 5, c2 day 20  met (c2's)
 *         h10 no pairing .............................. unpaired (outside the rate)
 *   二村  h3 c2 whole month, 2 home visits the same day + 1 phone call  missed
 *   三村  h4 c3 whole month, 2 visits ................... met        (乙镇)
 */
let t: TestApp;
let f: Fixture;
let stationA: Client;
let county: Client;
const M = addMonths(monthOf(todayInChinaString()), -1);
const m = monthRange(M);
const d = (day: number) => `${M}-${String(day).padStart(2, '0')}`;
const C = '341202';

beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  const db = t.db;
  const c1 = await quickCadre(db, { county: C, userId: f.users.cadre1, name: '张帮扶', unitOrgId: f.orgs.jt });
  const c2 = await quickCadre(db, { county: C, userId: f.users.cadre2, name: '李帮扶', unitOrgId: f.orgs.jt });
  const c3 = await quickCadre(db, { county: C, userId: f.users.cadre3, name: '王帮扶', unitOrgId: f.orgs.wg });
  const cR = await quickCadre(db, { county: C, name: '退休老周', unitOrgId: f.orgs.wg, status: 'retired', statusSince: '2020-01-01' });
  const h6 = await quickHousehold(db, '341202001001', '吴六', '0106');
  const h7 = await quickHousehold(db, '341202001001', '郑七', '0107');
  const h8 = await quickHousehold(db, '341202001001', '王八', '0108');
  const h9 = await quickHousehold(db, '341202001001', '冯九', '0109');
  await quickHousehold(db, '341202001001', '陈十', '0110');
  const long = '2020-01-01';
  await quickPairing(db, { county: C, householdId: f.households.h1, cadreId: c1, start: long });
  await quickPairing(db, { county: C, householdId: f.households.h2, cadreId: c1, start: long });
  await quickPairing(db, { county: C, householdId: f.households.h3, cadreId: c2, start: long });
  await quickPairing(db, { county: C, householdId: f.households.h4, cadreId: c3, start: long });
  await quickPairing(db, { county: C, householdId: h6, cadreId: cR, start: long });
  await quickPairing(db, { county: C, householdId: h7, cadreId: c1, start: long });
  await quickPairing(db, { county: C, householdId: h8, cadreId: c1, start: d(20) });
  await quickPairing(db, { county: C, householdId: h9, cadreId: c1, start: long, end: d(14) });
  await quickPairing(db, { county: C, householdId: h9, cadreId: c2, start: d(15) });
  await db.insertInto('visit_exemption').values({ county_code: C, household_id: h7, from_date: m.first, to_date: m.last, reason: '全家外出务工' }).execute();
  const v = (householdId: number, cadreId: number, day: number, kind: 'home' | 'phone' = 'home', problems?: string) => quickVisit(db, { county: C, householdId, cadreId, date: d(day), kind, problems });
  await v(f.households.h1, c1, 3, 'home', '住房漏雨');
  await v(f.households.h1, c1, 17);
  await v(f.households.h2, c1, 10);
  await v(f.households.h3, c2, 8);
  await v(f.households.h3, c2, 8);
  await v(f.households.h3, c2, 9, 'phone');
  await v(f.households.h4, c3, 2);
  await v(f.households.h4, c3, 22);
  await v(h8, c1, 25);
  await v(h9, c1, 5);
  await v(h9, c2, 20);
  // a visit by c1 to h9 after the hand-over does not count (c1 no longer responsible)
  await v(h9, c1, 25);
  stationA = await login(t, 'station_a');
  county = await login(t, 'county');
});
afterAll(async () => {
  await t.close();
});

type Row = { name: string; required: number; met: number; missed: number; unassigned: number; exempt: number; rateText: string };
const byName = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.name, r]));

describe('走访率 by area', () => {
  it('computes the village rates of a township, lowest first, with retired cadres’ households counted against the village', async () => {
    const r = await stationA.get(`/api/visits/rates?month=${M}&groupBy=village`);
    expect(r.status).toBe(200);
    expect(r.body.level).toBe('area');
    expect(r.body.rows.map((x: Row) => x.name)).toEqual(['二村', '一村']);
    const rows = byName(r.body.rows);
    expect(rows['一村']).toMatchObject({ required: 5, met: 3, missed: 1, unassigned: 1, exempt: 1, rateText: '60.00%' });
    expect(rows['二村']).toMatchObject({ required: 1, met: 0, missed: 1, rateText: '0.00%' });
    expect(r.body.totals).toMatchObject({ required: 6, met: 3, rateText: '50.00%' });
    expect(r.body.unpaired).toBe(1);
  });

  it('gives the county its townships and another station only its own', async () => {
    const r = await county.get(`/api/visits/rates?month=${M}&groupBy=township`);
    const rows = byName(r.body.rows);
    expect(rows['甲镇'].rateText).toBe('50.00%');
    expect(rows['乙镇'].rateText).toBe('100.00%');
    expect(r.body.totals.rateText).toBe('57.14%');
    const c = await county.get(`/api/visits/rates?month=${M}&groupBy=county`);
    expect(c.body.rows.map((x: Row) => [x.name, x.rateText])).toEqual([['埇桥区', '57.14%']]);
    const b = await login(t, 'station_b');
    const rb = await b.get(`/api/visits/rates?month=${M}&groupBy=village`);
    expect(rb.body.rows.map((x: Row) => [x.name, x.rateText])).toEqual([['三村', '100.00%']]);
  });
});

describe('走访率 by unit and cadre (cadres and units behind)', () => {
  it('charges units and cadres only with households that are theirs at the month’s end, retired cadres excluded', async () => {
    const u = await county.get(`/api/visits/rates?month=${M}&groupBy=unit`);
    expect(u.body.level).toBe('person');
    const units = byName(u.body.rows);
    expect(units['区交通运输局']).toMatchObject({ required: 5, met: 3, missed: 2, rateText: '60.00%' });
    expect(units['区文广旅局']).toMatchObject({ required: 1, met: 1, unassigned: 1, rateText: '100.00%' });
    const c = await county.get(`/api/visits/rates?month=${M}&groupBy=cadre&behindOnly=true`);
    expect(c.body.rows.map((x: Row & { parentName: string }) => [x.name, x.parentName, x.rateText])).toEqual([
      ['李帮扶', '区交通运输局', '50.00%'],
      ['张帮扶', '区交通运输局', '66.67%'],
    ]);
  });

  it('shows a cadre only their own line and a unit only its cadres', async () => {
    const me = await login(t, 'cadre1');
    const r = await me.get(`/api/visits/rates?month=${M}&groupBy=cadre`);
    expect(r.body.rows.map((x: Row) => [x.name, x.required, x.met])).toEqual([['张帮扶', 3, 2]]);
    const unit = await login(t, 'unit_jt');
    const ru = await unit.get(`/api/visits/rates?month=${M}&groupBy=cadre`);
    expect(ru.body.rows.map((x: Row) => x.name).sort()).toEqual(['张帮扶', '李帮扶'].sort());
    const hh = await unit.get(`/api/visits/rates/households?month=${M}&outcome=all`);
    // 郑七 is exempt this month but still the unit's household
    expect(hh.body.items.map((x: { headName: string }) => x.headName).sort()).toEqual(['孙三', '冯九', '王八', '赵一', '钱二', '郑七'].sort());
  });
});

describe('the monthly chase list', () => {
  it('lists households behind with cadre, unit, visits done and the reason', async () => {
    const r = await stationA.get(`/api/visits/rates/households?month=${M}`);
    expect(r.body.total).toBe(3);
    const rows = Object.fromEntries(r.body.items.map((x: { headName: string }) => [x.headName, x]));
    expect(rows['钱二']).toMatchObject({ cadreName: '张帮扶', unitName: '区交通运输局', required: 2, done: 1, outcome: 'missed', outcomeLabel: '未达标', villageName: '一村', townshipName: '甲镇' });
    expect(rows['孙三']).toMatchObject({ done: 1, outcome: 'missed', lastVisitDate: d(8) });
    expect(rows['吴六']).toMatchObject({ outcome: 'unassigned', outcomeLabel: '需重新结对', cadreName: '退休老周' });
    expect(rows['吴六'].reason).toMatch(/已退休，需重新结对/);
    const met = await stationA.get(`/api/visits/rates/households?month=${M}&outcome=met`);
    expect(met.body.items.map((x: { headName: string }) => x.headName).sort()).toEqual(['冯九', '王八', '赵一'].sort());
    const un = await stationA.get(`/api/visits/rates/unpaired?month=${M}`);
    expect(un.body.items.map((x: { headName: string }) => x.headName)).toEqual(['陈十']);
  });

  it('exports the chase list to Excel with what the caller may see, and logs the export', async () => {
    const r = await fetch(`${t.base}/api/visits/rates/export?month=${M}`, { headers: { cookie: stationA.cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按村汇总', '落后单位', '落后干部', '未达标农户', '未结对农户']);
    const hh = wb.getWorksheet('未达标农户')!;
    const heads = hh.getColumn(4).values.slice(4);
    expect(heads.sort()).toEqual(['吴六', '孙三', '钱二'].sort());
    expect(String(hh.getCell('A2').value)).toMatch(/导出人：甲镇站长/);
    const villages = wb.getWorksheet('按村汇总')!;
    expect(villages.getRow(5).values).toEqual(expect.arrayContaining(['一村', '60.00%']));
    const b = await login(t, 'station_b');
    const rb = await fetch(`${t.base}/api/visits/rates/export?month=${M}`, { headers: { cookie: b.cookie } });
    const wbB = new ExcelJS.Workbook();
    await wbB.xlsx.load(Buffer.from(await rb.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wbB.getWorksheet('未达标农户')!.rowCount).toBe(3); // title, stamp, header: nobody behind in 乙镇
    const log = await t.db.selectFrom('audit_log').select('summary').where('action', '=', 'export').where('module', '=', 'visits').orderBy('id').execute();
    expect(log[0].summary).toMatch(/未达标农户 3 户/);
  });
});

describe('a late visit', () => {
  it('changes the month’s outcome at once, although the month was already computed', async () => {
    // the county office's request evaluates (and keeps) the whole county's month
    const before = await county.get(`/api/visits/rates/households?month=${M}`);
    expect(before.body.items.map((x: { headName: string }) => x.headName)).toContain('钱二');
    const clerk = await login(t, 'clerk');
    const late = await clerk.post('/api/visits', { clientId: crypto.randomUUID(), householdId: f.households.h2, visitDate: d(25), kind: 'home' });
    expect(late.status).toBe(200);
    const after = await county.get(`/api/visits/rates/households?month=${M}`);
    expect(after.body.items.map((x: { headName: string }) => x.headName)).not.toContain('钱二');
    expect(after.body.total).toBe(before.body.total - 1);
    expect(byName((await stationA.get(`/api/visits/rates?month=${M}&groupBy=village`)).body.rows)['一村'].rateText).toBe('80.00%');
  });

  it('moved to another month by an edit, leaves the first month’s count (the day tally is rebuilt, not only added to)', async () => {
    const clerk = await login(t, 'clerk');
    const list = await clerk.get(`/api/visits?householdId=${f.households.h2}&pageSize=50`);
    const late = list.body.items.find((v: { visitDate: string }) => v.visitDate === d(25));
    expect(late).toBeDefined();
    const prev = addMonths(M, -1);
    const moved = await clerk.patch(`/api/visits/${late.id}`, { version: late.version, visitDate: `${prev}-25` });
    expect(moved.status).toBe(200);
    const missed = await county.get(`/api/visits/rates/households?month=${M}`);
    expect(missed.body.items.map((x: { headName: string }) => x.headName)).toContain('钱二');
    const tally = await t.db
      .selectFrom('visit_day_tally')
      .select(['month', 'home_days'])
      .where('household_id', '=', f.households.h2)
      .where('month', 'in', [m.first, `${prev}-01`])
      .orderBy('month')
      .execute();
    expect(tally.map((x) => [x.month, x.home_days.toString(2).split('').filter((b) => b === '1').length])).toEqual([
      [`${prev}-01`, 1],
      [m.first, 1],
    ]);
    const back = await clerk.patch(`/api/visits/${late.id}`, { version: moved.body.version ?? late.version + 1, visitDate: d(25) });
    expect(back.status).toBe(200);
    const again = await county.get(`/api/visits/rates/households?month=${M}`);
    expect(again.body.items.map((x: { headName: string }) => x.headName)).not.toContain('钱二');
  });
});

describe('rules as data', () => {
  it('lets the county office raise the minimum, which changes the month’s outcome', async () => {
    const year = Number(M.slice(0, 4));
    const def = await county.get(`/api/visits/rules?countyCode=${C}&year=${year}`);
    expect(def.body).toMatchObject({ isDefault: true, minVisitsPerMonth: 2, attendanceMinDays: 15, countedKinds: ['home'] });
    const body = { minVisitsPerMonth: 1, visitDay: 10, countedKinds: ['home', 'phone'], requiredStatuses: ['identified'], proratePartialMonth: true, attendanceMinDays: 15, reportDueDay: 5 };
    const bad = await county.put(`/api/visits/rules/${C}/${year}`, { ...body, countedKinds: ['letter'] });
    expect(bad.status).toBe(400);
    expect((await stationA.put(`/api/visits/rules/${C}/${year}`, body)).status).toBe(403);
    const put = await county.put(`/api/visits/rules/${C}/${year}`, body);
    expect(put.body).toMatchObject({ isDefault: false, minVisitsPerMonth: 1, visitDay: 10 });
    const r = await stationA.get(`/api/visits/rates?month=${M}&groupBy=village`);
    // every household with an active cadre had a counted visit; 吴六 still waits for re-pairing,
    // and 王八 (12 days paired) asks no visit at one a month
    expect(byName(r.body.rows)['一村']).toMatchObject({ met: 3, unassigned: 1, exempt: 2, rateText: '75.00%' });
    expect(byName(r.body.rows)['二村'].rateText).toBe('100.00%');
    const other = await login(t, 'station_b');
    expect((await other.put(`/api/visits/rules/341321/${year}`, body)).status).toBe(403);
  });
});

describe('dashboard', () => {
  it('gives the counts the reports cite and a monthly trend', async () => {
    const r = await stationA.get(`/api/visits/dashboard?year=${M.slice(0, 4)}`);
    expect(r.status).toBe(200);
    expect(r.body.counts).toMatchObject({ pairedHouseholds: 7, cadres: 3, householdsToRepair: 1 });
    expect(r.body.counts.visitsWithProblems).toBe(1);
    expect(r.body.trend.map((x: { month: string }) => x.month)).toContain(M);
    const b = await login(t, 'station_b');
    expect((await b.get(`/api/visits/dashboard?year=${M.slice(0, 4)}`)).body.counts.pairedHouseholds).toBe(1);
  });
});
