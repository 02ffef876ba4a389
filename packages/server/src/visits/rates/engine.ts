import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/db';
import { scopeFilter } from '../../scope/scope';
import type { VisitAccess } from '../access';
import { loadRules, type StoredRule } from '../rule-store';
import { evalOf, readyMonths, useLoader, type OutcomeRow } from './outcomes';
import { countedDaysMask, daysInMask, requiredVisits, evaluateHouseholdMonth, lastDayInMask, monthRange, pairingDaysMask, type ExemptionSpan, type HouseholdMonthResult, type MonthKey, type Outcome, type PairingSpan } from '../rules';

/**
 * Loads what the month's rate needs and hands each household to the pure rule
 * (rules.ts#evaluateHouseholdMonth). The visits come from visit_day_tally (042), kept by
 * triggers in the transaction of every visit write: one row per household and cadre with the
 * month's visit days as bit masks, so the month is one join of the pairings with a table of
 * ≈ one row per household instead of a count over the month's visits. Each pairing keeps only
 * its own cadre's counted days inside its own span (the cadre paired on that day), a day
 * counts once; the rule decides; nothing here re-implements a rule.
 *
 * A whole county's month (≈ 200 k households) is decided once and stored (outcomes.ts,
 * migration 043); triggers mark what later writes change and readers decide those households
 * again before reading, so rates and lists are SQL over stored verdicts. Requests for a few
 * households (a cadre's phone, the household page) are decided directly.
 */
export type HouseholdEval = {
  countyCode: string;
  householdId: number;
  areaCode: string;
  villageCode: string;
  townshipCode: string;
  result: HouseholdMonthResult;
  lastVisitDate: string | null;
};

export type EngineFilter = {
  month: MonthKey;
  /** area subtree (prefix) */
  areaPrefix?: string;
  /** only households that are this cadre's / this unit's at the month's end */
  cadreId?: number;
  unitOrgId?: number;
  householdIds?: number[];
};

useLoader(loadMonth);

/** Households whose pairing overlaps the month, of the required statuses, with their spans and visits. */
async function loadMonth(
  db: DbOrTx,
  county: string,
  rule: StoredRule,
  key: MonthKey,
  narrow: { householdIds?: number[]; areaPrefix?: string },
): Promise<HouseholdEval[]> {
  const r = monthRange(key);
  let q = db
    .selectFrom('pairing as p')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
    // The days this cadre visited this household in the month (kept by triggers on visit).
    .leftJoin('visit_day_tally as t', (j) =>
      j.onRef('t.county_code', '=', 'p.county_code').on('t.month', '=', r.first).onRef('t.household_id', '=', 'p.household_id').onRef('t.cadre_id', '=', 'p.cadre_id'),
    )
    .select([
      'p.household_id',
      'p.cadre_id',
      'p.start_date',
      'p.end_date',
      'c.unit_org_id',
      'c.status as cadre_status',
      'c.status_since',
      'h.area_code',
      'h.village_code',
      'h.township_code',
      't.home_days',
      't.phone_days',
      't.other_days',
    ])
    .where('p.county_code', '=', county)
    .where('p.start_date', '<=', r.last)
    .where((eb) => eb.or([eb('p.end_date', 'is', null), eb('p.end_date', '>=', r.first)]))
    .where(sql<boolean>`(p.end_date IS NULL OR p.end_date >= p.start_date)`)
    // Households of other statuses are 'not_required' whatever their visits: not loaded at all.
    .where('h.status', 'in', rule.requiredStatuses.length ? rule.requiredStatuses : ['-']);
  // An array parameter, not a list: monthCounts hands over households by the thousand (a list
  // is limited to a statement's 65,535 parameters).
  if (narrow.householdIds) q = q.where(sql<boolean>`p.household_id = ANY(${narrow.householdIds}::bigint[])`);
  if (narrow.areaPrefix) q = q.where('h.area_code', 'like', `${narrow.areaPrefix}%`);
  // The month's exemptions do not depend on the pairings: both are read side by side.
  const exPromise = db
    .selectFrom('visit_exemption')
    .select(['household_id', 'cadre_id', 'from_date', 'to_date', 'reason'])
    .where('county_code', '=', county)
    .where('revoked_at', 'is', null)
    .where('from_date', '<=', r.last)
    .where('to_date', '>=', r.first)
    .execute();
  const [pairings, ex] = await Promise.all([q.execute(), exPromise]);

  type Acc = { base: (typeof pairings)[number]; spans: PairingSpan[]; days: number; ex: ExemptionSpan[] | null };
  const byHousehold = new Map<number, Acc>();
  const kinds = rule.countedKinds;
  for (const p of pairings) {
    let acc = byHousehold.get(p.household_id);
    if (!acc) byHousehold.set(p.household_id, (acc = { base: p, spans: [], days: 0, ex: null }));
    // Counted: days with a visit of a counted kind by the cadre paired on that day.
    if (p.home_days !== null) acc.days |= countedDaysMask(p, kinds) & pairingDaysMask(r, p.start_date, p.end_date);
    acc.spans.push({
      cadreId: p.cadre_id,
      unitOrgId: p.unit_org_id,
      cadreStatus: p.cadre_status,
      cadreStatusSince: p.status_since,
      start: p.start_date,
      end: p.end_date,
    });
  }
  if (!byHousehold.size) return [];

  const byCadre = new Map<number, ExemptionSpan[]>();
  for (const e of ex) {
    const span = { from: e.from_date, to: e.to_date, cadreId: e.cadre_id, reason: e.reason };
    if (e.household_id) {
      const acc = byHousehold.get(e.household_id);
      if (acc) (acc.ex ??= []).push(span);
    } else if (e.cadre_id) {
      const list = byCadre.get(e.cadre_id);
      if (list) list.push(span);
      else byCadre.set(e.cadre_id, [span]);
    }
  }
  if (byCadre.size) {
    for (const acc of byHousehold.values()) {
      for (const s of acc.spans) {
        const list = byCadre.get(s.cadreId);
        if (list) (acc.ex ??= []).push(...list);
      }
    }
  }

  const none: ExemptionSpan[] = [];
  const rows: HouseholdEval[] = [];
  for (const acc of byHousehold.values()) {
    const b = acc.base;
    rows.push({
      countyCode: county,
      householdId: b.household_id,
      areaCode: b.area_code,
      villageCode: b.village_code,
      townshipCode: b.township_code,
      // Status is filtered in SQL: every loaded household has a required one.
      result: evaluateHouseholdMonth(
        { householdStatus: rule.requiredStatuses[0], pairings: acc.spans, countedVisitDays: daysInMask(acc.days), exemptions: acc.ex ?? none },
        rule,
        key,
      ),
      lastVisitDate: acc.days ? `${r.first.slice(0, 8)}${String(lastDayInMask(acc.days)).padStart(2, '0')}` : null,
    });
  }
  return rows;
}

/**
 * The month of a few households whose access the caller has settled already (the phone's own
 * current pairings), under a rule it has loaded: no scope lookups, no cache — two queries read
 * side by side.
 */
export function evaluateHouseholds(db: DbOrTx, county: string, rule: StoredRule, key: MonthKey, householdIds: number[]): Promise<HouseholdEval[]> {
  return loadMonth(db, county, rule, key, { householdIds });
}

/** The counties a caller's rate may reach. */
async function countiesFor(db: DbOrTx, access: VisitAccess, areaPrefix?: string): Promise<string[]> {
  if (areaPrefix && areaPrefix.length >= 6) return [areaPrefix.slice(0, 6)];
  if (access.scope.kind === 'areas' && access.scope.counties?.length) return access.scope.counties;
  if (access.scope.kind === 'self' || access.scope.kind === 'none') {
    const rows = await db
      .selectFrom('cadre')
      .select('county_code')
      .distinct()
      .where((eb) => eb.or([eb('user_id', '=', access.userId), ...(access.unitOrgId ? [eb('unit_org_id', '=', access.unitOrgId)] : [])]))
      .execute();
    return rows.map((r) => r.county_code);
  }
  let q = db.selectFrom('area').select('code').where('level', '=', 3);
  if (areaPrefix) q = q.where('code', 'like', `${areaPrefix}%`);
  if (access.scope.kind === 'areas') {
    const prefixes = [...access.scope.below, ...access.scope.exact];
    q = q.where((eb) => eb.or(prefixes.map((p) => (p.length >= 6 ? eb('code', '=', p.slice(0, 6)) : eb('code', 'like', `${p}%`)))));
  }
  return (await q.execute()).map((r) => r.code);
}

function prefixesOf(access: VisitAccess): string[] | 'all' {
  if (access.scope.kind === 'all') return 'all';
  if (access.scope.kind === 'areas') return [...access.scope.below];
  return [];
}

export type StoredFilter = EngineFilter & { outcomes?: Outcome[]; limit?: number; offset?: number };

/**
 * The month's households the caller may see, with their verdicts, in village order. Named
 * households are decided directly; otherwise the stored month is read (built first if it is not
 * yet), filtered, counted and paged in SQL.
 */
export async function evaluateMonth(db: DbOrTx, access: VisitAccess, f: StoredFilter): Promise<{ rows: HouseholdEval[]; total: number }> {
  const r = monthRange(f.month);
  const counties = await countiesFor(db, access, f.areaPrefix);
  const rules = await loadRules(db, counties, r.year);
  if (f.householdIds || db.isTransaction) return decideDirectly(db, access, f, rules);
  const ready = [...(await readyMonths(db as Db, rules, f.month, { wait: true }))];
  if (!ready.length) return { rows: [], total: 0 };
  const where = storedWhere(access, f, ready);
  const page = f.limit !== undefined ? sql`LIMIT ${f.limit} OFFSET ${f.offset ?? 0}` : sql``;
  const [rows, total] = await Promise.all([
    sql<OutcomeRow>`SELECT o.* FROM visit_month_outcome o WHERE ${where} ORDER BY o.village_code, o.household_id ${page}`.execute(db),
    f.limit !== undefined ? sql<{ n: number }>`SELECT count(*)::int AS n FROM visit_month_outcome o WHERE ${where}`.execute(db) : null,
  ]);
  return { rows: rows.rows.map(evalOf), total: total ? Number(total.rows[0].n) : rows.rows.length };
}

/** The caller's households among the stored month's rows (alias o), and the request's filters. */
function storedWhere(access: VisitAccess, f: StoredFilter, counties: string[]) {
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const visible = [];
  if (prefixes === 'all') visible.push(sql`true`);
  else {
    for (const p of prefixes) visible.push(sql`o.area_code LIKE ${`${p}%`}`);
    if (exact.length) visible.push(sql`o.area_code = ANY(${exact}::text[])`);
  }
  // A cadre or a unit sees the households that are theirs at the month's end (not the
  // successor's, for a household handed over mid-month).
  if (access.scope.kind === 'self' || access.scope.kind === 'none' || access.unitOrgId)
    visible.push(sql`(o.county_code, o.cadre_id) IN (SELECT county_code, id FROM cadre WHERE user_id = ${access.userId})`);
  if (access.unitOrgId) visible.push(sql`o.unit_org_id = ${access.unitOrgId}`);
  const parts = [
    // one county as an equality: `= ANY('{…}')` keeps the planner from reading the village index in order
    counties.length === 1 ? sql`o.county_code = ${counties[0]}` : sql`o.county_code = ANY(${counties}::text[])`,
    sql`o.month = ${monthRange(f.month).first}::date`,
    visible.length ? sql`(${sql.join(visible, sql` OR `)})` : sql`false`,
  ];
  if (f.areaPrefix) parts.push(sql`o.area_code LIKE ${`${f.areaPrefix}%`}`);
  if (f.cadreId) parts.push(sql`o.cadre_id = ${f.cadreId}`);
  if (f.unitOrgId) parts.push(sql`o.unit_org_id = ${f.unitOrgId}`);
  if (f.outcomes) parts.push(sql`o.outcome = ANY(${f.outcomes}::text[])`);
  return sql.join(parts, sql` AND `);
}

/** A few named households (or a caller inside a transaction): decided now, filtered in Node. */
async function decideDirectly(db: DbOrTx, access: VisitAccess, f: StoredFilter, rules: Map<string, StoredRule>) {
  const mineIds =
    access.scope.kind === 'self' || access.scope.kind === 'none' || access.unitOrgId
      ? new Set((await db.selectFrom('cadre').select(['county_code', 'id']).where('user_id', '=', access.userId).execute()).map((c) => `${c.county_code}:${c.id}`))
      : new Set<string>();
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const inArea = (x: HouseholdEval) =>
    prefixes === 'all' || prefixes.some((p) => x.areaCode.startsWith(p)) || exact.includes(x.areaCode);
  const ownsIt = (x: HouseholdEval) =>
    !!x.result.responsible &&
    (mineIds.has(`${x.countyCode}:${x.result.responsible.cadreId}`) || (access.unitOrgId !== null && x.result.responsible.unitOrgId === access.unitOrgId));
  const rows: HouseholdEval[] = [];
  for (const [county, rule] of rules) {
    const all = await loadMonth(db, county, rule, f.month, f.householdIds ? { householdIds: f.householdIds } : { areaPrefix: f.areaPrefix });
    for (const x of all) {
      if (!(inArea(x) || ownsIt(x))) continue;
      if (f.areaPrefix && !x.areaCode.startsWith(f.areaPrefix)) continue;
      if (f.cadreId && x.result.responsible?.cadreId !== f.cadreId) continue;
      if (f.unitOrgId && x.result.responsible?.unitOrgId !== f.unitOrgId) continue;
      if (f.outcomes && !f.outcomes.includes(x.result.outcome)) continue;
      rows.push(x);
    }
  }
  // Codes are digits: plain comparison, not the (much slower) locale-aware one.
  rows.sort((a, b) => (a.villageCode < b.villageCode ? -1 : a.villageCode > b.villageCode ? 1 : a.householdId - b.householdId));
  const from = f.offset ?? 0;
  return { rows: f.limit !== undefined ? rows.slice(from, from + f.limit) : rows, total: rows.length };
}

/** Household numbers and head names for the rows a list shows (not loaded for whole counties). */
export async function householdNames(db: DbOrTx, rows: { countyCode: string; householdId: number }[]) {
  if (!rows.length) return new Map<string, { householdNo: string; headName: string | null }>();
  const found = await db
    .selectFrom('household')
    .select(['county_code', 'id', 'household_no', 'head_name'])
    .where(sql<boolean>`county_code = ANY(${[...new Set(rows.map((r) => r.countyCode))]}::text[])`)
    // an array, not a list: the chase list can name tens of thousands of households
    .where(sql<boolean>`id = ANY(${rows.map((r) => r.householdId)}::bigint[])`)
    .execute();
  return new Map(found.map((h) => [`${h.county_code}:${h.id}`, { householdNo: h.household_no, headName: h.head_name }]));
}

/**
 * Households of a required status (the county's rule) with no pairing at all in the month
 * (未结对户), in village order, a page at a time; unpairedCount gives the total.
 */
export async function unpairedHouseholds(db: DbOrTx, access: VisitAccess, month: MonthKey, areaPrefix?: string, page = { limit: 100_000, offset: 0 }) {
  const r = monthRange(month);
  if (access.scope.kind !== 'all' && access.scope.kind !== 'areas') return [];
  const counties = await countiesFor(db, access, areaPrefix);
  if (!counties.length) return [];
  const rules = await loadRules(db, counties, r.year);
  const required = sql.join(
    counties.map((c) => sql`(h.county_code = ${c} AND h.status = ANY(${rules.get(c)!.requiredStatuses}::text[]))`),
    sql` OR `,
  );
  let q = db
    .selectFrom('household as h')
    .select(['h.county_code', 'h.id', 'h.household_no', 'h.head_name', 'h.village_code', 'h.township_code', 'h.status'])
    .where(sql<boolean>`(${required})`)
    .where((eb) => scopeFilter(access.scope, { area: 'h.area_code', county: 'h.county_code' })(eb as never))
    .where(
      sql<boolean>`NOT EXISTS (SELECT 1 FROM pairing p WHERE p.county_code = h.county_code AND p.household_id = h.id
        AND p.start_date <= ${r.last} AND (p.end_date IS NULL OR p.end_date >= ${r.first}) AND (p.end_date IS NULL OR p.end_date >= p.start_date))`,
    );
  if (areaPrefix) q = q.where('h.area_code', 'like', `${areaPrefix}%`);
  return q.orderBy('h.village_code').orderBy('h.household_no').limit(page.limit).offset(page.offset).execute();
}

/**
 * How many households of a required status have no pairing in the month (未结对), within the
 * caller's areas. For a month whose verdicts are stored this is a subtraction of two index
 * counts — the stored rows are exactly the required households paired in the month — instead of
 * an anti-join of the county's households with its pairings (≈ 0.3 s here).
 */
export async function unpairedCount(db: Db, access: VisitAccess, month: MonthKey, areaPrefix?: string): Promise<number> {
  if (access.scope.kind !== 'all' && access.scope.kind !== 'areas') return 0;
  const r = monthRange(month);
  const counties = await countiesFor(db, access, areaPrefix);
  const rules = await loadRules(db, counties, r.year);
  const ready = await readyMonths(db, rules, month, { wait: false });
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const inAreas = (col: string) => {
    const c = sql.ref(col);
    const parts = prefixes === 'all' ? [sql`true`] : [...prefixes.map((p) => sql`${c} LIKE ${`${p}%`}`), sql`${c} = ANY(${exact}::text[])`];
    return sql`(${sql.join(parts, sql` OR `)}) ${areaPrefix ? sql`AND ${c} LIKE ${`${areaPrefix}%`}` : sql``}`;
  };
  let n = 0;
  for (const county of counties) {
    const statuses = rules.get(county)!.requiredStatuses;
    const required = sql`SELECT count(*) AS n FROM household h WHERE h.county_code = ${county} AND h.status = ANY(${statuses}::text[]) AND ${inAreas('h.area_code')}`;
    const q = ready.has(county)
      ? sql<{ n: number }>`SELECT (${required}) - (SELECT count(*) FROM visit_month_outcome o
          WHERE o.county_code = ${county} AND o.month = ${r.first}::date AND ${inAreas('o.area_code')}) AS n`
      : sql<{ n: number }>`${required} AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.county_code = h.county_code AND p.household_id = h.id
          AND p.start_date <= ${r.last} AND (p.end_date IS NULL OR p.end_date >= ${r.first}) AND (p.end_date IS NULL OR p.end_date >= p.start_date))`;
    n += Number((await q.execute(db)).rows[0].n);
  }
  return n;
}

export type CountKey = 'county' | 'township' | 'village' | 'unit' | 'cadre';
export type OutcomeCounts = Record<Exclude<Outcome, 'not_required'>, number>;

/** The group a household's month counts in (keys as rates/service.ts shows them). */
export function countKeyOf(g: CountKey, e: HouseholdEval): string | null {
  switch (g) {
    case 'county':
      return e.countyCode;
    case 'township':
      return e.townshipCode;
    case 'village':
      return e.villageCode;
    case 'unit':
      return e.result.responsible ? String(e.result.responsible.unitOrgId) : null;
    case 'cadre':
      return e.result.responsible ? `${e.countyCode}:${e.result.responsible.cadreId}` : null;
  }
}

type CountRow = { k: string | null; met: number; missed: number; unassigned: number; exempt: number };

/**
 * Outcome counts per group of a month. The stored verdicts (outcomes.ts) are counted in SQL when
 * the county's month is built; a month that is not built yet is built in the background and,
 * meanwhile, counted as before the store existed (`sqlCounts`), so the first reader of an old
 * month waits about a second rather than for a build. `mode` forces one way (tests compare both
 * with the rule per household).
 */
export async function monthCounts(
  db: Db,
  access: VisitAccess,
  f: { month: MonthKey; areaPrefix?: string; unitOrgId?: number },
  g: CountKey,
  mode: 'auto' | 'stored' | 'sql' = 'auto',
): Promise<Map<string, OutcomeCounts> | null> {
  const r = monthRange(f.month);
  const counties = await countiesFor(db, access, f.areaPrefix);
  const rules = await loadRules(db, counties, r.year);
  // sqlCounts chooses rows by area only: a caller who also sees the households of their own
  // cadre or unit is counted from the store
  const countable = (access.scope.kind === 'all' || access.scope.kind === 'areas') && !access.unitOrgId;
  if (mode === 'sql' && !countable) return null;
  const ready = mode === 'sql' ? new Set<string>() : await readyMonths(db, rules, f.month, { wait: mode === 'stored' || !countable });
  const out = new Map<string, OutcomeCounts>();
  if (ready.size) {
    const key =
      g === 'county'
        ? sql`o.county_code`
        : g === 'township'
          ? sql`o.township_code`
          : g === 'village'
            ? sql`o.village_code`
            : g === 'unit'
              ? sql`o.unit_org_id::text`
              : sql`o.county_code || ':' || o.cadre_id`;
    const rows = await sql<{ k: string | null; outcome: Outcome; n: number }>`
      SELECT ${key} AS k, o.outcome, count(*)::int AS n FROM visit_month_outcome o
      WHERE ${storedWhere(access, f, [...ready])} AND o.outcome <> 'not_required'
      GROUP BY 1, 2`.execute(db);
    for (const row of rows.rows) {
      if (row.k === null || row.outcome === 'not_required') continue;
      let c = out.get(row.k);
      if (!c) out.set(row.k, (c = { met: 0, missed: 0, unassigned: 0, exempt: 0 }));
      c[row.outcome] += Number(row.n);
    }
  }
  const rest = counties.filter((c) => !ready.has(c));
  if (rest.length) await sqlCounts(db, access, f, g, rest, rules, out);
  return out;
}

/**
 * Counts decided in SQL where the rule is simple, without the store: a whole county's month
 * without moving ≈ 200 k rows into Node.
 *
 * The common household — one current pairing that began by the month's first day, no other
 * pairing in the month, no exemption of it or of its cadre touching the month — is decided in
 * the database: required = the rule's minimum (a full
 * month is never prorated), done = the number of days in the OR of the counted kinds' masks of
 * the tally row of that pairing's cadre, unassigned when the cadre was inactive on the month's
 * last day — what rules.ts#evaluateHouseholdMonth gives for such a household. Every other
 * household (mid-month pairing changes, partial months, exemptions, overlapping pairings) is
 * loaded and decided by that rule as before and added. rates/counts.api.test.ts compares the
 * counts with the rule per household. Only for callers whose rows are chosen by area.
 */
async function sqlCounts(
  db: Db,
  access: VisitAccess,
  f: { month: MonthKey; areaPrefix?: string; unitOrgId?: number },
  g: CountKey,
  counties: string[],
  rules: Map<string, StoredRule>,
  out: Map<string, OutcomeCounts>,
) {
  const r = monthRange(f.month);
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const add = (k: string, o: Outcome, n: number) => {
    if (o === 'not_required' || !n) return;
    let c = out.get(k);
    if (!c) out.set(k, (c = { met: 0, missed: 0, unassigned: 0, exempt: 0 }));
    c[o] += n;
  };
  for (const county of counties) {
    const rule = rules.get(county)!;
    const kinds = rule.countedKinds;
    const statuses = rule.requiredStatuses.length ? rule.requiredStatuses : ['-'];
    const required = requiredVisits(rule, r.days, r.days);
    const full = pairingDaysMask(r, r.first, null);
    const counted = sql.join(
      [
        kinds.includes('home') ? sql`coalesce(t.home_days, 0)` : sql`0`,
        kinds.includes('phone') ? sql`coalesce(t.phone_days, 0)` : sql`0`,
        kinds.includes('other') ? sql`coalesce(t.other_days, 0)` : sql`0`,
      ],
      sql` | `,
    );
    const areaCond =
      prefixes === 'all'
        ? sql`true`
        : sql`(${sql.join([...prefixes.map((p) => sql`h.area_code LIKE ${`${p}%`}`), sql`h.area_code = ANY(${exact}::text[])`], sql` OR `)})`;
    const key =
      g === 'county'
        ? sql`p.county_code`
        : g === 'township'
          ? sql`h.township_code`
          : g === 'village'
            ? sql`h.village_code`
            : g === 'unit'
              ? sql`c.unit_org_id::text`
              : sql`p.county_code || ':' || p.cadre_id`;
    // Common = the household's pairing is current and began by the month's first day, and the
    // household has no other pairing in the month. "No other" without counting pairings per
    // household (a scan and aggregate of the county's pairings): a household has at most one
    // current pairing (pairing_current_uq), so any second one is ended or began later and is in
    // `partial`, a range of pairing_period_idx that is nearly empty. A household whose only
    // pairing ended after the month is handed to the rule too (rare; still exact).
    // IN (…) rather than NOT EXISTS: evaluated in the select list, they are hashed once, not
    // probed per row.
    const rows = await sql<CountRow & { common: boolean; others: string[] | null }>`
      WITH ex AS MATERIALIZED (
        SELECT household_id, cadre_id FROM visit_exemption
        WHERE county_code = ${county} AND revoked_at IS NULL AND from_date <= ${r.last} AND to_date >= ${r.first}
      ), partial AS MATERIALIZED (
        SELECT household_id FROM pairing
        WHERE county_code = ${county} AND start_date <= ${r.last} AND (end_date IS NULL OR end_date >= ${r.first})
          AND (end_date IS NULL OR end_date >= start_date) AND NOT (start_date <= ${r.first} AND end_date IS NULL)
      ), x AS (
        SELECT ${key} AS k, p.household_id,
               (p.start_date <= ${r.first} AND p.end_date IS NULL
                 AND p.household_id NOT IN (SELECT household_id FROM partial)
                 AND p.household_id NOT IN (SELECT household_id FROM ex WHERE household_id IS NOT NULL)
                 AND p.cadre_id NOT IN (SELECT cadre_id FROM ex WHERE cadre_id IS NOT NULL)) AS common,
               bit_count(((${counted}) & ${full})::bit(32)) >= ${required} AS met,
               (c.status <> 'active' AND (c.status_since IS NULL OR c.status_since <= ${r.last})) AS inactive
        FROM pairing p
        JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id
        JOIN cadre c ON c.county_code = p.county_code AND c.id = p.cadre_id
        LEFT JOIN visit_day_tally t ON t.county_code = p.county_code AND t.month = ${r.first}
          AND t.household_id = p.household_id AND t.cadre_id = p.cadre_id
        WHERE p.county_code = ${county} AND p.start_date <= ${r.last} AND (p.end_date IS NULL OR p.end_date >= ${r.first})
          AND (p.end_date IS NULL OR p.end_date >= p.start_date)
          AND h.status = ANY(${statuses}::text[]) AND ${areaCond}
          ${f.areaPrefix ? sql`AND h.area_code LIKE ${`${f.areaPrefix}%`}` : sql``}
          -- the responsible unit of a common household is its cadre's; others are checked below
          ${f.unitOrgId ? sql`AND c.unit_org_id = ${f.unitOrgId}` : sql``}
      )
      SELECT k, common,
             (count(*) FILTER (WHERE met))::int AS met,
             (count(*) FILTER (WHERE NOT met AND inactive))::int AS unassigned,
             (count(*) FILTER (WHERE NOT met AND NOT inactive))::int AS missed,
             0 AS exempt,
             array_agg(household_id) FILTER (WHERE NOT common) AS others
      FROM x GROUP BY k, common`.execute(db);
    const others = new Set<number>();
    for (const row of rows.rows) {
      if (!row.common) {
        for (const id of row.others ?? []) others.add(Number(id));
        continue;
      }
      if (required === 0) {
        add(row.k!, 'exempt', row.met + row.missed + row.unassigned);
        continue;
      }
      add(row.k!, 'met', row.met);
      add(row.k!, 'missed', row.missed);
      add(row.k!, 'unassigned', row.unassigned);
    }
    if (others.size) {
      for (const x of await loadMonth(db, county, rule, f.month, { householdIds: [...others] })) {
        if (f.unitOrgId && x.result.responsible?.unitOrgId !== f.unitOrgId) continue;
        const k = countKeyOf(g, x);
        if (k !== null) add(k, x.result.outcome, 1);
      }
    }
  }
}
