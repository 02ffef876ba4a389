import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness';
import { as, COUNTY, EAST, seedCounty, WEST } from '../test-fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
});
afterAll(async () => {
  await t.close();
});

describe('loan schemes (第三、五、七、九条 as data, versioned)', () => {
  let v1: number;

  it('the county office publishes a year’s scheme; unset figures take the seed’s values', async () => {
    const c = await as(t, 'xfpb');
    const r = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: 2026, name: '2026 年扶贫到户贷款实施办法', documentNo: '颍扶〔2026〕1号' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      version: 1,
      status: 'active',
      subsidyRateBp: 258,
      dayCountBasis: 360,
      householdCapFen: 2_000_000,
      maxTermMonths: 12,
      productionOnlySubsidy: true,
      stationReviewDays: 5,
      coopReviewDays: 10,
      reportDay: 5,
      rewardThresholdBp: 9500,
      cutThresholdBp: 9000,
    });
    expect(r.body.eligibleIndustries).toEqual(['tobacco', 'sugarcane', 'mulberry', 'livestock', 'offseason_veg', 'led_industry', 'other_farming']);
    expect(r.body.summary.find((s: { label: string }) => s.label === '贴息标准').value).toBe('2.58%/年，按年利率 ÷ 360 计日');
    v1 = r.body.id;
    const log = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'loan_scheme').execute();
    expect(log.map((l) => l.summary).join()).toMatch(/发布 2026 年度到户贷款方案/);
  });

  it('a second scheme for the same year is refused: changes are revisions', async () => {
    const r = await (await as(t, 'xfpb')).post('/api/loans/schemes', { countyCode: COUNTY, year: 2026, name: '重复' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('E3002');
  });

  it('only the county may publish; a station gets 403, a township user reads the current scheme', async () => {
    const st = await as(t, 'zhan1');
    expect((await st.post('/api/loans/schemes', { countyCode: COUNTY, year: 2027, name: 'x' })).status).toBe(403);
    const cur = await st.get(`/api/loans/schemes/current?countyCode=${COUNTY}&year=2026`);
    expect(cur.status).toBe(200);
    expect(cur.body.id).toBe(v1);
    const none = await st.get(`/api/loans/schemes/current?countyCode=${COUNTY}&year=2031`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('E3001');
  });

  it('validates every figure with the field named in Chinese', async () => {
    const c = await as(t, 'xfpb');
    const bad = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: 2027, name: 'x', dayCountBasis: 300, reportDay: 31 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/计息天数基数/);
    expect(bad.body.error.message).toMatch(/季度报表报送日/);
    const ind = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: 2027, name: 'x', eligibleIndustries: ['tobacco', 'gold_mining'] });
    expect(ind.status).toBe(400);
    expect(ind.body.error.code).toBe('E3004');
    expect(ind.body.error.message).toMatch(/gold_mining/);
    const thr = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: 2027, name: 'x', cutThresholdBp: 9600 });
    expect(thr.body.error.message).toMatch(/削减回收率不能高于奖励回收率/);
    const extra = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: 2027, name: 'x', hacker: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/hacker/);
    const other = await c.post('/api/loans/schemes', { countyCode: '341203', year: 2027, name: 'x' });
    expect(other.status).toBe(400);
  });

  it('a revision is a new version; the old one is kept unchanged and marked superseded', async () => {
    const c = await as(t, 'xfpb');
    const r = await c.post(`/api/loans/schemes/${v1}/revise`, { version: 1, changeReason: '按 365 天计息', dayCountBasis: 365 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, dayCountBasis: 365, subsidyRateBp: 258, status: 'active', changeReason: '按 365 天计息' });
    const old = await c.get(`/api/loans/schemes/${v1}`);
    expect(old.body).toMatchObject({ status: 'superseded', dayCountBasis: 360 });
    const again = await c.post(`/api/loans/schemes/${v1}/revise`, { version: 1, changeReason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('E3003');
    const stale = await c.post(`/api/loans/schemes/${r.body.id}/revise`, { version: 1, changeReason: 'x' });
    expect(stale.body.error.code).toBe('E3009');
    const all = await c.get(`/api/loans/schemes?countyCode=${COUNTY}&includeSuperseded=true`);
    expect(all.body.items.map((i: { version: number }) => i.version)).toEqual([2, 1]);
    // back to 360 for the other tests
    await c.post(`/api/loans/schemes/${r.body.id}/revise`, { version: 2, changeReason: '恢复 360', dayCountBasis: 360 });
  });

  it('two revisions at once: one wins, the other is told the version moved on', async () => {
    const c = await as(t, 'xfpb');
    const cur = (await c.get(`/api/loans/schemes/current?countyCode=${COUNTY}&year=2026`)).body;
    const [a, b] = await Promise.all([
      c.post(`/api/loans/schemes/${cur.id}/revise`, { version: cur.version, changeReason: '甲', remindDays: 2 }),
      c.post(`/api/loans/schemes/${cur.id}/revise`, { version: cur.version, changeReason: '乙', remindDays: 3 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('E3003');
  });

  it('the database refuses to rewrite or delete a version', async () => {
    await expect(sql`UPDATE loan_scheme SET subsidy_rate_bp = 300 WHERE id = ${v1}`.execute(t.db)).rejects.toThrow(/不能修改/);
    await expect(sql`DELETE FROM loan_scheme WHERE id = ${v1}`.execute(t.db)).rejects.toThrow(/不能删除/);
  });
});

describe('township quotas (第六条)', () => {
  it('the county sets amount and count per township; the list shows live usage and remainder', async () => {
    const c = await as(t, 'xfpb');
    const r = await c.put('/api/loans/quotas', { countyCode: COUNTY, year: 2026, townshipCode: EAST, amountFen: 10_000_000, loanCount: 10, documentNo: '颍扶组〔2026〕2号' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ townshipName: '东乡镇', amountFen: 10_000_000, loanCount: 10, usedFen: 0, remainingFen: 10_000_000, remainingCount: 10, version: 1 });
    const upd = await c.put('/api/loans/quotas', { countyCode: COUNTY, year: 2026, townshipCode: EAST, amountFen: 12_000_000, loanCount: 12, version: 1 });
    expect(upd.body).toMatchObject({ amountFen: 12_000_000, version: 2 });
    const stale = await c.put('/api/loans/quotas', { countyCode: COUNTY, year: 2026, townshipCode: EAST, amountFen: 1, loanCount: 1, version: 1 });
    expect(stale.status).toBe(409);
    const list = await c.get(`/api/loans/quotas?countyCode=${COUNTY}&year=2026`);
    expect(list.body.items.map((i: { townshipCode: string }) => i.townshipCode)).toEqual([EAST, WEST]);
    expect(list.body.items[1]).toMatchObject({ id: null, amountFen: 0 });
    expect(list.body.totals.amountFen).toBe(12_000_000);
  });

  it('a township sees its own row only and cannot set quotas', async () => {
    const c = await as(t, 'zhan2');
    const list = await c.get(`/api/loans/quotas?countyCode=${COUNTY}&year=2026`);
    expect(list.body.items.map((i: { townshipCode: string }) => i.townshipCode)).toEqual([WEST]);
    const put = await c.put('/api/loans/quotas', { countyCode: COUNTY, year: 2026, townshipCode: WEST, amountFen: 1, loanCount: 1 });
    expect(put.status).toBe(403);
  });

  it('refuses a code that is not a township of the county', async () => {
    const r = await (await as(t, 'xfpb')).put('/api/loans/quotas', { countyCode: COUNTY, year: 2026, townshipCode: '341202009', amountFen: 1, loanCount: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('E3011');
  });
});
