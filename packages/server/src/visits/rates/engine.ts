import { sql, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { scopeFilter } from '../../scope/scope';
import type { VisitAccess } from '../access';
import { loadRules, type StoredRule } from '../rule-store';
import { evaluateHouseholdMonth, monthRange, type ExemptionSpan, type HouseholdMonthResult, type MonthKey, type PairingSpan } from '../rules';

/**
 * Loads what the month's rate needs and hands each household to the pure rule
 * (rules.ts#evaluateHouseholdMonth). The database does the heavy counting — visits per
 * household by the cadre paired on the visit's date, at most one per day — and the rule
 * decides; nothing here re-implements a rule.
 */
export type HouseholdEval = {
  countyCode: string;
  householdId: number;
  householdNo: string;
  headName: string | null;
  villageCode: string;
  townshipCode: string;
  result: HouseholdMonthResult;
  lastVisitDate: string | null;
};

export type EngineFilter = {
  month: MonthKey;
  /** area subtree (prefix) */
  areaPrefix?: string;
  /** only households with a pairing with this cadre / a cadre of this unit in the month */
  cadreId?: number;
  unitOrgId?: number;
  householdIds?: number[];
};

/**
 * Households a caller's rate covers in a month. Area scopes by the household's area; a cadre
 * ('self') and a unit by the pairings of that month, so last month's rate of a cadre still
 * includes a household re-paired since.
 */
function monthScope(access: VisitAccess, first: string, last: string) {
  return (eb: Parameters<ReturnType<typeof scopeFilter>>[0]) => {
    const parts = [];
    if (access.scope.kind === 'all') return sql<SqlBool>`true`;
    if (access.scope.kind === 'areas') parts.push(scopeFilter(access.scope, { area: 'h.area_code', county: 'h.county_code' })(eb as never));
    const pairedWith = (cond: ReturnType<typeof sql>) =>
      sql<SqlBool>`EXISTS (SELECT 1 FROM pairing p2 JOIN cadre c2 ON c2.county_code = p2.county_code AND c2.id = p2.cadre_id
        WHERE p2.county_code = h.county_code AND p2.household_id = h.id AND p2.start_date <= ${last}
          AND (p2.end_date IS NULL OR p2.end_date >= ${first}) AND ${cond})`;
    if (access.scope.kind === 'self') parts.push(pairedWith(sql`c2.user_id = ${access.userId}`));
    if (access.unitOrgId) parts.push(pairedWith(sql`c2.unit_org_id = ${access.unitOrgId}`));
    if (!parts.length) return sql<SqlBool>`false`;
    return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
  };
}

export async function evaluateMonth(db: DbOrTx, access: VisitAccess, f: EngineFilter): Promise<{ rows: HouseholdEval[]; rules: Map<string, StoredRule> }> {
  const r = monthRange(f.month);
  let q = db
    .selectFrom('pairing as p')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
    .select([
      'p.county_code',
      'p.household_id',
      'p.cadre_id',
      'p.start_date',
      'p.end_date',
      'c.unit_org_id',
      'c.status as cadre_status',
      'c.status_since',
      'h.household_no',
      'h.head_name',
      'h.village_code',
      'h.township_code',
      'h.status as hh_status',
    ])
    .where('p.start_date', '<=', r.last)
    .where((eb) => eb.or([eb('p.end_date', 'is', null), eb('p.end_date', '>=', r.first)]))
    .where(sql<boolean>`(p.end_date IS NULL OR p.end_date >= p.start_date)`)
    .where((eb) => monthScope(access, r.first, r.last)(eb as never));
  if (access.scope.kind === 'areas' && access.scope.counties?.length) q = q.where('p.county_code', 'in', access.scope.counties);
  if (f.areaPrefix) q = q.where('h.area_code', 'like', `${f.areaPrefix}%`);
  if (f.householdIds) q = q.where('p.household_id', 'in', f.householdIds.length ? f.householdIds : [-1]);
  const narrow = (cond: ReturnType<typeof sql>) =>
    sql<boolean>`EXISTS (SELECT 1 FROM pairing p3 JOIN cadre c3 ON c3.county_code = p3.county_code AND c3.id = p3.cadre_id
      WHERE p3.county_code = p.county_code AND p3.household_id = p.household_id AND p3.start_date <= ${r.last}
        AND (p3.end_date IS NULL OR p3.end_date >= ${r.first}) AND ${cond})`;
  if (f.cadreId) q = q.where(narrow(sql`c3.id = ${f.cadreId}`));
  if (f.unitOrgId) q = q.where(narrow(sql`c3.unit_org_id = ${f.unitOrgId}`));
  const pairings = await q.execute();

  const counties = [...new Set(pairings.map((p) => p.county_code))];
  const rules = await loadRules(db, counties, r.year);

  type Acc = { base: (typeof pairings)[number]; spans: PairingSpan[]; visits: number; last: string | null; ex: ExemptionSpan[] };
  const byHousehold = new Map<string, Acc>();
  const key = (county: string, id: number) => `${county}:${id}`;
  for (const p of pairings) {
    const k = key(p.county_code, p.household_id);
    const acc = byHousehold.get(k) ?? { base: p, spans: [], visits: 0, last: null, ex: [] };
    acc.spans.push({
      cadreId: p.cadre_id,
      unitOrgId: p.unit_org_id,
      cadreStatus: p.cadre_status,
      cadreStatusSince: p.status_since,
      start: p.start_date,
      end: p.end_date,
    });
    byHousehold.set(k, acc);
  }

  for (const county of counties) {
    const rule = rules.get(county)!;
    const ids = f.householdIds ?? (byHousehold.size < 5000 ? pairings.filter((p) => p.county_code === county).map((p) => p.household_id) : null);
    let vq = db
      .selectFrom('visit as v')
      .innerJoin('pairing as p', (j) =>
        j
          .onRef('p.county_code', '=', 'v.county_code')
          .onRef('p.household_id', '=', 'v.household_id')
          .onRef('p.cadre_id', '=', 'v.cadre_id')
          .onRef('p.start_date', '<=', 'v.visit_date')
          .on((eb) => eb.or([eb('p.end_date', 'is', null), eb('p.end_date', '>=', eb.ref('v.visit_date'))])),
      )
      .select(['v.household_id', sql<number>`count(DISTINCT v.visit_date)::int`.as('n'), sql<string>`max(v.visit_date)::text`.as('last')])
      .where('v.county_code', '=', county)
      .where('v.visit_date', '>=', r.first)
      .where('v.visit_date', '<=', r.last)
      .where('v.kind', 'in', rule.countedKinds.length ? rule.countedKinds : ['-' as 'home'])
      .groupBy('v.household_id');
    if (ids) vq = vq.where('v.household_id', 'in', ids.length ? [...new Set(ids)] : [-1]);
    else if (f.areaPrefix) vq = vq.where('v.area_code', 'like', `${f.areaPrefix}%`);
    for (const v of await vq.execute()) {
      const acc = byHousehold.get(key(county, v.household_id));
      if (acc) {
        acc.visits = Number(v.n);
        acc.last = v.last;
      }
    }
    const ex = await db
      .selectFrom('visit_exemption')
      .select(['household_id', 'cadre_id', 'from_date', 'to_date', 'reason'])
      .where('county_code', '=', county)
      .where('revoked_at', 'is', null)
      .where('from_date', '<=', r.last)
      .where('to_date', '>=', r.first)
      .execute();
    const byCadre = new Map<number, ExemptionSpan[]>();
    for (const e of ex) {
      const span = { from: e.from_date, to: e.to_date, cadreId: e.cadre_id, reason: e.reason };
      if (e.household_id) byHousehold.get(key(county, e.household_id))?.ex.push(span);
      else if (e.cadre_id) byCadre.set(e.cadre_id, [...(byCadre.get(e.cadre_id) ?? []), span]);
    }
    if (byCadre.size) {
      for (const acc of byHousehold.values()) {
        if (acc.base.county_code !== county) continue;
        for (const s of acc.spans) acc.ex.push(...(byCadre.get(s.cadreId) ?? []));
      }
    }
  }

  const rows: HouseholdEval[] = [];
  for (const acc of byHousehold.values()) {
    const b = acc.base;
    const result = evaluateHouseholdMonth(
      { householdStatus: b.hh_status, pairings: acc.spans, countedVisitDays: acc.visits, exemptions: acc.ex },
      rules.get(b.county_code)!,
      f.month,
    );
    rows.push({
      countyCode: b.county_code,
      householdId: b.household_id,
      householdNo: b.household_no,
      headName: b.head_name,
      villageCode: b.village_code,
      townshipCode: b.township_code,
      result,
      lastVisitDate: acc.last,
    });
  }
  // A cadre or a unit without an area scope sees only the households that are theirs at the
  // month's end (not the successor's, for a household handed over mid-month).
  let own: ((x: HouseholdEval) => boolean) | null = null;
  if (access.scope.kind !== 'areas' && access.scope.kind !== 'all') {
    const mineIds = new Set((await db.selectFrom('cadre').select(['county_code', 'id']).where('user_id', '=', access.userId).execute()).map((c) => `${c.county_code}:${c.id}`));
    own = (x) =>
      !!x.result.responsible &&
      (mineIds.has(`${x.countyCode}:${x.result.responsible.cadreId}`) || (access.unitOrgId !== null && x.result.responsible.unitOrgId === access.unitOrgId));
  }
  // Narrowed to a cadre or unit: only the households that are theirs at the month's end.
  const mine = rows.filter(
    (x) =>
      (!own || own(x)) &&
      (!f.cadreId || x.result.responsible?.cadreId === f.cadreId) &&
      (!f.unitOrgId || x.result.responsible?.unitOrgId === f.unitOrgId),
  );
  // Codes are digits: plain comparison, not the (much slower) locale-aware one.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  mine.sort((a, b) => cmp(a.villageCode, b.villageCode) || cmp(a.householdNo, b.householdNo));
  return { rows: mine, rules };
}

/** Households of a required status with no pairing at all in the month (未结对户). */
export function unpairedHouseholds(db: DbOrTx, access: VisitAccess, month: MonthKey, statuses: string[], areaPrefix?: string) {
  const r = monthRange(month);
  if (access.scope.kind !== 'all' && access.scope.kind !== 'areas') return Promise.resolve([]);
  let q = db
    .selectFrom('household as h')
    .select(['h.county_code', 'h.id', 'h.household_no', 'h.head_name', 'h.village_code', 'h.township_code', 'h.status'])
    .where('h.status', 'in', statuses.length ? statuses : ['-'])
    .where((eb) => scopeFilter(access.scope, { area: 'h.area_code', county: 'h.county_code' })(eb as never))
    .where(
      sql<boolean>`NOT EXISTS (SELECT 1 FROM pairing p WHERE p.county_code = h.county_code AND p.household_id = h.id
        AND p.start_date <= ${r.last} AND (p.end_date IS NULL OR p.end_date >= ${r.first}) AND (p.end_date IS NULL OR p.end_date >= p.start_date))`,
    );
  if (areaPrefix) q = q.where('h.area_code', 'like', `${areaPrefix}%`);
  return q.orderBy('h.village_code').orderBy('h.household_no').limit(5000).execute();
}
