import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type TestApp } from '../../test/harness';
import { loadRule, saveRule, type StoredRule } from '../rule-store';
import { addMonths, monthOf, monthRange } from '../rules';
import { quickCadre, quickHousehold, quickPairing, quickVisit, seedRegion, type Fixture } from '../test-fixtures';
import type { VisitAccess } from '../access';
import { countKeyOf, evaluateMonth, monthCounts, type CountKey, type OutcomeCounts } from './engine';

/**
 * The month's outcome counts decided in SQL (engine.ts#monthCounts: common households counted
 * in the database, the rest by the rule per household) against the rule per household for every
 * household (evaluateMonth), on a month that mixes the cases the SQL must hand over and the ones
 * it decides itself, for every grouping, several rules, area scopes and the unit filter.
 */
let t: TestApp;
let f: Fixture;
let rule: StoredRule;
const M = addMonths(monthOf(todayInChinaString()), -1);
const m = monthRange(M);
const d = (day: number) => `${M}-${String(day).padStart(2, '0')}`;
const C = '341202';
const V = '341202001001';
const ids: number[] = [];
const H: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  const db = t.db;
  const c1 = await quickCadre(db, { county: C, name: '张帮扶', unitOrgId: f.orgs.jt });
  const c2 = await quickCadre(db, { county: C, name: '李帮扶', unitOrgId: f.orgs.jt });
  const c3 = await quickCadre(db, { county: C, name: '王帮扶', unitOrgId: f.orgs.wg });
  const cR = await quickCadre(db, { county: C, name: '退休老周', unitOrgId: f.orgs.wg, status: 'retired', statusSince: '2020-01-01' });
  // retired after the month: still active on the month's last day
  const cL = await quickCadre(db, { county: C, name: '后退休', unitOrgId: f.orgs.wg, status: 'retired', statusSince: addMonths(M, 1) + '-03' });
  const long = '2020-01-01';
  const hh = async (name: string, status = 'identified') => {
    const id = await quickHousehold(db, V, name, String(100 + ids.length), status);
    ids.push(id);
    H[name] = id;
    return id;
  };
  const v = (h: number, c: number, day: number, kind: 'home' | 'phone' | 'other' = 'home') => quickVisit(db, { county: C, householdId: h, cadreId: c, date: d(day), kind });
  const p = (h: number, c: number, start: string, end?: string) => quickPairing(db, { county: C, householdId: h, cadreId: c, start, end });

  // whole month, twice at home: met
  await p(await hh('两次'), c1, long);
  await v(H['两次'], c1, 3);
  await v(H['两次'], c1, 17);
  // visited once: missed
  await p(await hh('一次'), c1, long);
  await v(H['一次'], c1, 10);
  // twice on the same day plus a phone call
  await p(await hh('同日'), c2, long);
  await v(H['同日'], c2, 8);
  await v(H['同日'], c2, 8);
  await v(H['同日'], c2, 9, 'phone');
  // phone calls only
  await p(await hh('电话'), c2, long);
  await v(H['电话'], c2, 4, 'phone');
  await v(H['电话'], c2, 21, 'phone');
  // not visited; retired cadre: unassigned
  await p(await hh('退休'), cR, long);
  // retired only after the month: missed, not unassigned
  await p(await hh('后退休'), cL, long);
  await v(H['后退休'], cL, 6);
  // exempt all month (household)
  await p(await hh('豁免'), c1, long);
  await db.insertInto('visit_exemption').values({ county_code: C, household_id: H['豁免'], from_date: m.first, to_date: m.last, reason: '全家外出务工' }).execute();
  // exempt for part of the month, one visit
  await p(await hh('半豁免'), c1, long);
  await v(H['半豁免'], c1, 25);
  await db.insertInto('visit_exemption').values({ county_code: C, household_id: H['半豁免'], from_date: d(1), to_date: d(12), reason: '住院' }).execute();
  // a revoked exemption does not count
  await p(await hh('撤销豁免'), c2, long);
  await db.insertInto('visit_exemption').values({ county_code: C, household_id: H['撤销豁免'], from_date: m.first, to_date: m.last, reason: '撤销', revoked_at: new Date() }).execute();
  // the cadre exempt for two weeks: both of c3's households
  await p(await hh('干部豁免甲'), c3, long);
  await v(H['干部豁免甲'], c3, 20);
  await p(await hh('干部豁免乙'), c3, long);
  await db.insertInto('visit_exemption').values({ county_code: C, cadre_id: c3, from_date: d(1), to_date: d(14), reason: '病假' }).execute();
  // paired from day 20: one visit required
  await p(await hh('月中结对'), c1, d(20));
  await v(H['月中结对'], c1, 25);
  // handed over mid-month: c1 to day 14, c2 from 15; c1's visit after the hand-over does not count
  await p(await hh('换人'), c1, long, d(14));
  await p(H['换人'], c2, d(15));
  await v(H['换人'], c1, 5);
  await v(H['换人'], c2, 20);
  await v(H['换人'], c1, 25);
  // overlapping pairings (a data error the service prevents; the latest start wins): one of
  // them covers the whole month, so the household is not one of the SQL's own
  await p(await hh('重叠'), c1, long, addMonths(M, 1) + '-05');
  await p(H['重叠'], c2, d(20));
  await v(H['重叠'], c1, 3);
  await v(H['重叠'], c2, 22);
  // overlapping the other way: the current pairing began long ago, a later one ended on day 10
  // (days 1–10 are the later one's)
  await p(await hh('重叠二'), c1, long);
  await p(H['重叠二'], c2, '2021-01-01', d(10));
  await v(H['重叠二'], c2, 3);
  await v(H['重叠二'], c1, 20);
  // pairing ended on day 10, nobody after
  await p(await hh('中止'), c2, long, d(10));
  await v(H['中止'], c2, 3);
  // a same-day correction (zero days) and the real pairing
  await p(await hh('更正'), c1, d(1), monthRange(addMonths(M, -1)).last);
  await p(H['更正'], c2, long);
  await v(H['更正'], c2, 2);
  await v(H['更正'], c2, 3);
  // a visit by a cadre who is not paired with the household
  await p(await hh('他人走访'), c1, long);
  await v(H['他人走访'], c2, 7);
  await v(H['他人走访'], c1, 9);
  // paired only after the month
  await p(await hh('下月'), c1, addMonths(M, 1) + '-02');
  // not a required status
  await p(await hh('识别中', 'candidate'), c1, long);
  await v(H['识别中'], c1, 2);
  // visits on the month's last day and the day after
  await p(await hh('月末'), c2, long);
  await v(H['月末'], c2, m.days);
  await quickVisit(db, { county: C, householdId: H['月末'], cadreId: c2, date: addMonths(M, 1) + '-01', kind: 'home' });
  rule = await loadRule(db, C, m.year);
});
afterAll(async () => {
  await t.close();
});

const KEYS: CountKey[] = ['county', 'township', 'village', 'unit', 'cadre'];
const all: VisitAccess = { scope: { kind: 'all' }, userId: 0, unitOrgId: null } as VisitAccess;

/** Counts per group from the rule per household: the households are named, so nothing is cached. */
async function byRule(access: VisitAccess, f: { areaPrefix?: string; unitOrgId?: number }, g: CountKey) {
  const householdIds = [...ids, f_.households.h1, f_.households.h2, f_.households.h3, f_.households.h4];
  const { rows } = await evaluateMonth(t.db, access, { month: M, householdIds, ...f });
  const out = new Map<string, OutcomeCounts>();
  for (const x of rows) {
    const k = countKeyOf(g, x);
    if (k === null || x.result.outcome === 'not_required') continue;
    if (!out.has(k)) out.set(k, { met: 0, missed: 0, unassigned: 0, exempt: 0 });
    out.get(k)![x.result.outcome]++;
  }
  return out;
}
const f_ = { get households() { return f.households; } };

async function compare(access: VisitAccess, f: { areaPrefix?: string; unitOrgId?: number } = {}) {
  for (const g of KEYS) {
    const expected = new Map([...(await byRule(access, f, g))].sort());
    // counted in SQL without the store, and from the stored verdicts (built under the rule now in force)
    for (const mode of ['sql', 'stored'] as const) {
      const counts = await monthCounts(t.db, access, { month: M, ...f }, g, mode);
      expect(counts, `${g} ${mode}`).not.toBeNull();
      expect(new Map([...counts!].sort()), `${g} ${mode}`).toEqual(expected);
    }
  }
  return (await monthCounts(t.db, access, { month: M, ...f }, 'county', 'sql'))!.get(C);
}

async function withRule(r: Partial<StoredRule>) {
  await saveRule(t.db, { ...rule, ...r, isDefault: false }, f.users.county);
}

describe('走访率 counted in SQL = the rule per household', () => {
  it('under the default rule (home visits, 2 a month, prorated)', async () => {
    const total = await compare(all);
    // not two empty maps: the month's cases are all there
    expect(total).toEqual({ met: 9, missed: 8, unassigned: 1, exempt: 1 });
    const { rows } = await evaluateMonth(t.db, all, { month: M, householdIds: ids });
    const of = (name: string) => rows.find((x) => x.householdId === H[name])?.result;
    expect(of('两次')!.outcome).toBe('met');
    expect(of('一次')).toMatchObject({ outcome: 'missed', required: 2, done: 1 });
    expect(of('同日')).toMatchObject({ outcome: 'missed', done: 1 });
    expect(of('电话')).toMatchObject({ outcome: 'missed', done: 0 });
    expect(of('退休')!.outcome).toBe('unassigned');
    expect(of('后退休')!.outcome).toBe('missed');
    expect(of('豁免')!.outcome).toBe('exempt');
    expect(of('半豁免')).toMatchObject({ outcome: 'met', required: 1 });
    expect(of('撤销豁免')!.outcome).toBe('missed');
    expect(of('干部豁免乙')).toMatchObject({ outcome: 'missed', required: 1, done: 0 });
    expect(of('换人')).toMatchObject({ outcome: 'met', done: 2 });
    expect(of('重叠')).toMatchObject({ outcome: 'met', done: 2 });
    expect(of('重叠二')).toMatchObject({ outcome: 'met', done: 2 });
    expect(of('更正')!.outcome).toBe('met');
    expect(of('他人走访')).toMatchObject({ outcome: 'missed', done: 1 });
    expect(of('下月')).toBeUndefined();
    expect(of('识别中')).toBeUndefined();
  });

  it('for an area scope, an area filter and a unit filter', async () => {
    const station: VisitAccess = { scope: { kind: 'areas', below: [V.slice(0, 9)], exact: [], counties: [C] }, userId: 0, unitOrgId: null } as VisitAccess;
    expect((await compare(station))?.met).toBe(9);
    const other: VisitAccess = { scope: { kind: 'areas', below: ['341202002'], exact: [], counties: [C] }, userId: 0, unitOrgId: null } as VisitAccess;
    expect(await compare(other)).toBeUndefined();
    await compare(all, { areaPrefix: V });
    // units: 张帮扶/李帮扶 are 交通局's, 王帮扶 and the retired cadres 文广旅局's
    expect(await compare(all, { unitOrgId: f.orgs.jt })).toEqual({ met: 8, missed: 6, unassigned: 0, exempt: 1 });
    expect(await compare(all, { unitOrgId: f.orgs.wg })).toEqual({ met: 1, missed: 2, unassigned: 1, exempt: 0 });
  });

  it('under a rule counting phone calls, three a month, not prorated', async () => {
    await withRule({ countedKinds: ['home', 'phone'], minVisitsPerMonth: 3, proratePartialMonth: false });
    const total = await compare(all);
    expect(total!.met).toBeLessThan(9);
  });

  it('under a rule with no minimum and another status required (every household exempt)', async () => {
    await withRule({ minVisitsPerMonth: 0, requiredStatuses: ['identified', 'candidate'] });
    expect(await compare(all)).toEqual({ met: 0, missed: 0, unassigned: 0, exempt: 20 });
  });

  it('counts a caller with a unit of their own from the stored verdicts only', async () => {
    const unitUser = { ...all, unitOrgId: f.orgs.jt } as VisitAccess;
    expect(await monthCounts(t.db, unitUser, { month: M }, 'county', 'sql')).toBeNull();
    for (const g of KEYS) {
      const counts = await monthCounts(t.db, unitUser, { month: M }, g);
      expect(new Map([...counts!].sort()), g).toEqual(new Map([...(await byRule(unitUser, {}, g))].sort()));
    }
  });
});
