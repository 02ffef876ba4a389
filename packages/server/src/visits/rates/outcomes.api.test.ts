import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type TestApp } from '../../test/harness';
import type { VisitAccess } from '../access';
import { loadRule, saveRule } from '../rule-store';
import { addMonths, monthOf, monthRange, monthsOfYear } from '../rules';
import { quickCadre, quickHousehold, quickPairing, quickVisit, seedRegion, type Fixture } from '../test-fixtures';
import { evaluateMonth, monthCounts, unpairedCount, unpairedHouseholds } from './engine';
import { warmMonths } from './outcomes';

/**
 * The stored month verdicts (migration 043, outcomes.ts) after every kind of write that can
 * change a household's month — visits added, moved and deleted, pairings begun, ended and handed
 * over, exemptions of a household and of a cadre given and revoked, a cadre retired, a
 * household's status and village changed in the registry, the rule changed — against the rule
 * decided afresh for every household. The writes go straight to the tables, as another module
 * or an import would: the triggers, not the services, must notice them.
 */
let t: TestApp;
let f: Fixture;
const C = '341202';
const V1 = '341202001001';
const V2 = '341202001002';
const M = addMonths(monthOf(todayInChinaString()), -1);
const m = monthRange(M);
const d = (day: number) => `${M}-${String(day).padStart(2, '0')}`;
const all = { scope: { kind: 'all' }, userId: 0, unitOrgId: null } as VisitAccess;
const ids: number[] = [];
const H: Record<string, number> = {};
const K: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  const db = t.db;
  K.a = await quickCadre(db, { county: C, name: '甲干部', unitOrgId: f.orgs.jt });
  K.b = await quickCadre(db, { county: C, name: '乙干部', unitOrgId: f.orgs.wg });
  for (const [name, village] of [['一', V1], ['二', V1], ['三', V1], ['四', V2], ['五', V2], ['六', V2]] as const) {
    H[name] = await quickHousehold(db, village, `户主${name}`, String(300 + ids.length));
    ids.push(H[name]);
  }
  for (const name of ['一', '二', '三']) await quickPairing(db, { county: C, householdId: H[name], cadreId: K.a, start: '2020-01-01' });
  for (const name of ['四', '五']) await quickPairing(db, { county: C, householdId: H[name], cadreId: K.b, start: '2020-01-01' });
  await quickVisit(db, { county: C, householdId: H['一'], cadreId: K.a, date: d(3) });
  await quickVisit(db, { county: C, householdId: H['一'], cadreId: K.a, date: d(18) });
  await quickVisit(db, { county: C, householdId: H['二'], cadreId: K.a, date: d(5) });
  await quickVisit(db, { county: C, householdId: H['四'], cadreId: K.b, date: d(7) });
});
afterAll(async () => {
  await t.close();
});

/** Stored rows (built or brought up to date by this read) = the rule decided now, household by household. */
async function expectStoredIsFresh() {
  const stored = await evaluateMonth(t.db, all, { month: M });
  const fresh = await evaluateMonth(t.db, all, { month: M, householdIds: ids });
  expect(stored.rows).toEqual(fresh.rows);
  const dirty = await t.db.selectFrom('visit_month_dirty').select('household_id').where('month', '=', m.first).execute();
  expect(dirty).toEqual([]);
  return new Map(stored.rows.map((r) => [r.householdId, r.result]));
}

const state = () => t.db.selectFrom('visit_month_state').selectAll().where('county_code', '=', C).where('month', '=', m.first).executeTakeFirst();

describe('stored month verdicts follow every write', () => {
  it('builds the month once and serves it from the store', async () => {
    expect(await state()).toBeUndefined();
    // not built yet: 未结对 counted by the anti-join (and the month built in the background)
    expect(await unpairedCount(t.db, all, M)).toBe((await unpairedHouseholds(t.db, all, M)).length);
    const r = await expectStoredIsFresh();
    expect((await state())?.status).toBe('ready');
    expect(r.get(H['一'])!.outcome).toBe('met');
    expect(r.get(H['二'])!.outcome).toBe('missed');
    // 六 has no pairing: not in the month's rows (counted as 未结对 elsewhere)
    expect(r.has(H['六'])).toBe(false);
    const stored = await t.db.selectFrom('visit_month_outcome').select('household_id').where('county_code', '=', C).where('month', '=', m.first).execute();
    expect(stored).toHaveLength(5);
  });

  it('a visit added, moved to another day and month, and deleted', async () => {
    const v = await quickVisit(t.db, { county: C, householdId: H['二'], cadreId: K.a, date: d(20) });
    expect((await expectStoredIsFresh()).get(H['二'])!.outcome).toBe('met');
    await t.db.updateTable('visit').set({ visit_date: `${addMonths(M, 1)}-02` }).where('id', '=', v).execute();
    expect((await expectStoredIsFresh()).get(H['二'])!.outcome).toBe('missed');
    const w = await quickVisit(t.db, { county: C, householdId: H['四'], cadreId: K.b, date: d(25) });
    expect((await expectStoredIsFresh()).get(H['四'])!.outcome).toBe('met');
    await t.db.deleteFrom('visit').where('id', '=', w).execute();
    expect((await expectStoredIsFresh()).get(H['四'])!.done).toBe(1);
  });

  it('pairings begun, ended and handed over mid-month', async () => {
    const p6 = await quickPairing(t.db, { county: C, householdId: H['六'], cadreId: K.b, start: d(20) });
    expect((await expectStoredIsFresh()).get(H['六'])).toMatchObject({ outcome: 'missed', required: 1 });
    await t.db.updateTable('pairing').set({ end_date: d(10) }).where('household_id', '=', H['三']).where('end_date', 'is', null).execute();
    await quickPairing(t.db, { county: C, householdId: H['三'], cadreId: K.b, start: d(11) });
    const r = await expectStoredIsFresh();
    expect(r.get(H['三'])!.responsible?.cadreId).toBe(K.b);
    await t.db.deleteFrom('pairing').where('id', '=', p6).execute();
    expect((await expectStoredIsFresh()).has(H['六'])).toBe(false);
  });

  it('exemptions of a household and of a cadre, given and revoked', async () => {
    const e = await t.db
      .insertInto('visit_exemption')
      .values({ county_code: C, household_id: H['二'], from_date: m.first, to_date: m.last, reason: '全家外出' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await expectStoredIsFresh()).get(H['二'])!.outcome).toBe('exempt');
    await t.db.updateTable('visit_exemption').set({ revoked_at: new Date() }).where('id', '=', e.id).execute();
    expect((await expectStoredIsFresh()).get(H['二'])!.outcome).toBe('missed');
    await t.db.insertInto('visit_exemption').values({ county_code: C, cadre_id: K.b, from_date: m.first, to_date: d(20), reason: '病假' }).execute();
    const r = await expectStoredIsFresh();
    expect(r.get(H['五'])!.required).toBe(1);
  });

  it('a cadre retired, a household moved and one no longer required (registry writes)', async () => {
    await t.db.updateTable('cadre').set({ status: 'retired', status_since: d(15) }).where('id', '=', K.a).execute();
    expect((await expectStoredIsFresh()).get(H['二'])!.outcome).toBe('unassigned');
    await t.db.updateTable('household').set({ area_code: V2, village_code: V2 }).where('id', '=', H['一']).execute();
    expect((await evaluateMonth(t.db, all, { month: M, areaPrefix: V2 })).rows.map((r) => r.householdId)).toContain(H['一']);
    await t.db.updateTable('household').set({ status: 'cancelled' }).where('id', '=', H['四']).execute();
    expect((await expectStoredIsFresh()).has(H['四'])).toBe(false);
    // an edit that changes none of it marks nothing
    await t.db.updateTable('household').set({ head_name: '户主五改' }).where('id', '=', H['五']).execute();
    expect(await t.db.selectFrom('visit_month_dirty').select('household_id').execute()).toEqual([]);
  });

  it('a changed rule rebuilds the month; counts agree with the SQL counting', async () => {
    const rule = await loadRule(t.db, C, m.year);
    await saveRule(t.db, { ...rule, minVisitsPerMonth: 1, isDefault: false }, f.users.county);
    const before = (await state())!.built_at;
    const r = await expectStoredIsFresh();
    expect((await state())!.built_at.getTime()).toBeGreaterThan(before.getTime());
    // a whole month's pairing: 2 required before, 1 now
    expect(r.get(H['一'])!.required).toBe(1);
    // 六 (never paired) and 四 (cancelled: not required) — the subtraction of the stored rows
    // from the required households gives what the anti-join gives
    const listed = await unpairedHouseholds(t.db, all, M);
    expect(listed.map((h) => Number(h.id)).filter((id) => ids.includes(id))).toEqual([H['六']]);
    expect(await unpairedCount(t.db, all, M)).toBe(listed.length);
    expect(await unpairedCount(t.db, all, M, V2)).toBe(listed.filter((h) => h.village_code === V2).length);
    for (const g of ['county', 'village', 'cadre'] as const) {
      expect(await monthCounts(t.db, all, { month: M }, g, 'stored')).toEqual(await monthCounts(t.db, all, { month: M }, g, 'sql'));
    }
  });

  it('the nightly job builds this year’s months and the previous month of counties with pairings', async () => {
    const today = todayInChinaString();
    const r = await warmMonths(t.db);
    expect(r.months.slice(0, 2)).toEqual([monthOf(today), M]);
    const states = await t.db.selectFrom('visit_month_state').select(['month', 'status']).where('county_code', '=', C).orderBy('month').execute();
    const expected = [...new Set([M, ...monthsOfYear(Number(today.slice(0, 4)), monthOf(today))])].sort();
    expect(states).toEqual(expected.map((k) => ({ month: monthRange(k).first, status: 'ready' })));
    // the county without pairings: only the month the readers above asked for, nothing the job built
    expect(await t.db.selectFrom('visit_month_state').select('month').where('county_code', '=', '341321').execute()).toEqual([{ month: m.first }]);
  });
});
