import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { scopeFilter } from '../../scope/scope';
import type { VisitAccess } from '../access';
import { loadRules, type StoredRule } from '../rule-store';
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
 * A whole county's month (≈ 200 k households) is evaluated once and kept for a few minutes
 * (`monthCache`): the rate page, its chase list, the export and the dashboard read the same
 * evaluation. Writes of this module (visits, pairings, exemptions, rules, cadre status) drop
 * the county's entries; changes made elsewhere (a household's status in the registry) show
 * within the cache's lifetime. New or edited visits only mark their households for a
 * re-evaluation, so syncing phones do not cool the cache. Requests for a few households (a
 * cadre's phone, the household page) are computed directly and never cached.
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

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 4;
type CacheEntry = { at: number; version: number; rows: HouseholdEval[]; index: Map<number, number>; dirty: Set<number>; rule: StoredRule };
const monthCache = new Map<string, CacheEntry>();
const countyVersion = new Map<string, number>();
let anyCountyVersion = 0;
const monthVersion = new Map<MonthKey, number>();

/**
 * Called by writes that can change any household's month in a county (pairings, exemptions,
 * rules, a cadre's status): the county's cached months are dropped.
 */
export function invalidateVisitRates(countyCode: string | null | undefined) {
  if (!countyCode) return;
  countyVersion.set(countyCode, (countyVersion.get(countyCode) ?? 0) + 1);
  anyCountyVersion++;
  scheduleRewarm(countyCode);
}

// A county's month is ≈ 200 k households: evaluating it takes seconds on a loaded machine. The
// months that were in the cache when a write dropped them are evaluated again in the background
// a moment later (writes come in bursts: one re-evaluation per burst), so the next reader finds
// them ready instead of paying for the write.
const REWARM_DELAY_MS = 2_000;
const rewarmTimers = new Map<string, ReturnType<typeof setTimeout>>();
let lastDb: DbOrTx | null = null;
function scheduleRewarm(county: string) {
  const months = [...monthCache.keys()].filter((k) => k.startsWith(`${county}|`)).map((k) => k.split('|')[1]);
  const db = lastDb;
  if (!months.length || !db) return;
  clearTimeout(rewarmTimers.get(county));
  const timer = setTimeout(() => {
    rewarmTimers.delete(county);
    void (async () => {
      for (const key of months) {
        const rule = (await loadRules(db, [county], Number(key.slice(0, 4)))).get(county)!;
        await countyMonth(db, county, rule, key);
      }
    })().catch(() => {
      // a failed warm-up leaves the month cold; the next reader evaluates it and sees any error
    });
  }, REWARM_DELAY_MS);
  timer.unref?.();
  rewarmTimers.set(county, timer);
}

/**
 * Called when visits of some households change (recorded, synced, edited): only those
 * households of the cached month are evaluated again on the next read, so a county's cache
 * stays warm while cadres sync all day.
 */
export function householdsVisited(countyCode: string, householdIds: number[], months: MonthKey[]) {
  for (const m of new Set(months)) {
    monthVersion.set(m, (monthVersion.get(m) ?? 0) + 1);
    const hit = monthCache.get(`${countyCode}|${m}`);
    if (hit) for (const id of householdIds) hit.dirty.add(id);
  }
}

/** Changes whenever the data behind a month may have changed: for caches of results derived from it. */
export const visitRatesVersion = (month: MonthKey) => `${anyCountyVersion}:${monthVersion.get(month) ?? 0}`;

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

/**
 * The cached evaluation of a county's month, if no write of this module changed the county and
 * the rule is the same. Past the TTL it is still served (`stale`) while a fresh evaluation runs
 * in the background: the TTL bounds how late other modules' changes (a household's status)
 * show, and a county in use is never evaluated while a reader waits.
 */
function cachedEntry(county: string, rule: StoredRule, key: MonthKey): (CacheEntry & { stale: boolean }) | null {
  const hit = monthCache.get(`${county}|${key}`);
  if (!hit || hit.version !== (countyVersion.get(county) ?? 0) || JSON.stringify(hit.rule) !== JSON.stringify(rule)) return null;
  return Object.assign(hit, { stale: Date.now() - hit.at >= CACHE_TTL_MS });
}
const cached = (county: string, rule: StoredRule, key: MonthKey) => cachedEntry(county, rule, key) !== null;

// One evaluation of a county's month at a time: concurrent readers (and a warm-up) share it.
const inFlight = new Map<string, Promise<HouseholdEval[]>>();

function countyMonth(db: DbOrTx, county: string, rule: StoredRule, key: MonthKey, fresh = false): Promise<HouseholdEval[]> {
  const k = `${county}|${key}|${countyVersion.get(county) ?? 0}|${JSON.stringify(rule)}|${fresh}`;
  const running = inFlight.get(k);
  if (running) return running;
  const p = countyMonthOnce(db, county, rule, key, fresh).finally(() => inFlight.delete(k));
  inFlight.set(k, p);
  return p;
}

async function countyMonthOnce(db: DbOrTx, county: string, rule: StoredRule, key: MonthKey, fresh: boolean): Promise<HouseholdEval[]> {
  const k = `${county}|${key}`;
  const hit = fresh ? null : cachedEntry(county, rule, key);
  if (hit) {
    // a transaction's handle would be gone when the refresh runs
    if (hit.stale && !db.isTransaction) void countyMonth(db, county, rule, key, true).catch(() => {});
    if (hit.dirty.size) {
      const ids = [...hit.dirty];
      hit.dirty.clear();
      for (const x of await loadMonth(db, county, rule, key, { householdIds: ids })) {
        const i = hit.index.get(x.householdId);
        if (i === undefined) {
          hit.index.set(x.householdId, hit.rows.length);
          hit.rows.push(x);
        } else hit.rows[i] = x;
      }
    }
    return hit.rows;
  }
  const version = countyVersion.get(county) ?? 0;
  const rows = await loadMonth(db, county, rule, key, {});
  // Visits recorded while this evaluation ran marked their households on the entry it replaces.
  const dirty = new Set(monthCache.get(k)?.dirty ?? []);
  monthCache.delete(k);
  monthCache.set(k, { at: Date.now(), version, rows, index: new Map(rows.map((r, i) => [r.householdId, i])), dirty, rule });
  while (monthCache.size > CACHE_MAX) monthCache.delete(monthCache.keys().next().value!);
  return rows;
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

export async function evaluateMonth(db: DbOrTx, access: VisitAccess, f: EngineFilter): Promise<{ rows: HouseholdEval[]; rules: Map<string, StoredRule> }> {
  // a transaction's handle would be gone when the warm-up runs
  if (!db.isTransaction) lastDb = db;
  const r = monthRange(f.month);
  const counties = await countiesFor(db, access, f.areaPrefix);
  const rules = await loadRules(db, counties, r.year);
  const mineIds =
    access.scope.kind === 'self' || access.scope.kind === 'none' || access.unitOrgId
      ? new Set((await db.selectFrom('cadre').select(['county_code', 'id']).where('user_id', '=', access.userId).execute()).map((c) => `${c.county_code}:${c.id}`))
      : new Set<string>();
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const inArea = (x: HouseholdEval) =>
    prefixes === 'all' || prefixes.some((p) => x.areaCode.startsWith(p)) || exact.includes(x.areaCode);
  // A cadre or a unit sees only the households that are theirs at the month's end (not the
  // successor's, for a household handed over mid-month).
  const ownsIt = (x: HouseholdEval) =>
    !!x.result.responsible &&
    (mineIds.has(`${x.countyCode}:${x.result.responsible.cadreId}`) || (access.unitOrgId !== null && x.result.responsible.unitOrgId === access.unitOrgId));

  // The one area below county level the request is about, if there is one.
  const single = f.areaPrefix ?? (prefixes !== 'all' && prefixes.length === 1 && !exact.length && !mineIds.size ? prefixes[0] : undefined);
  const narrowPrefix = single && single.length > 6 ? single : undefined;
  const rows: HouseholdEval[] = [];
  for (const county of counties) {
    const rule = rules.get(county)!;
    const all = f.householdIds
      ? await loadMonth(db, county, rule, f.month, { householdIds: f.householdIds })
      : narrowPrefix && !cached(county, rule, f.month)
        ? // a township or village on a cold cache: its own households only, not the county's
          await loadMonth(db, county, rule, f.month, { areaPrefix: narrowPrefix })
        : await countyMonth(db, county, rule, f.month);
    for (const x of all) {
      if (!(inArea(x) || ownsIt(x))) continue;
      if (f.areaPrefix && !x.areaCode.startsWith(f.areaPrefix)) continue;
      if (f.cadreId && x.result.responsible?.cadreId !== f.cadreId) continue;
      if (f.unitOrgId && x.result.responsible?.unitOrgId !== f.unitOrgId) continue;
      rows.push(x);
    }
  }
  // Codes are digits: plain comparison, not the (much slower) locale-aware one.
  rows.sort((a, b) => (a.villageCode < b.villageCode ? -1 : a.villageCode > b.villageCode ? 1 : a.householdId - b.householdId));
  return { rows, rules };
}

/** Household numbers and head names for the rows a list shows (not loaded for whole counties). */
export async function householdNames(db: DbOrTx, rows: { countyCode: string; householdId: number }[]) {
  if (!rows.length) return new Map<string, { householdNo: string; headName: string | null }>();
  const found = await db
    .selectFrom('household')
    .select(['county_code', 'id', 'household_no', 'head_name'])
    .where('county_code', 'in', [...new Set(rows.map((r) => r.countyCode))])
    .where(
      'id',
      'in',
      rows.map((r) => r.householdId),
    )
    .execute();
  return new Map(found.map((h) => [`${h.county_code}:${h.id}`, { householdNo: h.household_no, headName: h.head_name }]));
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
 * Outcome counts per group of a month, decided in SQL where the rule is simple, for a reader
 * that wants only the rates (no household rows): a whole county's month without moving ≈ 200 k
 * rows into Node.
 *
 * The common household — one current pairing that began by the month's first day, no other
 * pairing in the month, no exemption of it or of its cadre touching the month — is decided in
 * the database: required = the rule's minimum (a full
 * month is never prorated), done = the number of days in the OR of the counted kinds' masks of
 * the tally row of that pairing's cadre, unassigned when the cadre was inactive on the month's
 * last day — what rules.ts#evaluateHouseholdMonth gives for such a household. Every other
 * household (mid-month pairing changes, partial months, exemptions, overlapping pairings) is
 * loaded and decided by that rule as before and added. rates/counts.api.test.ts compares the
 * counts with the rule per household.
 *
 * Only for callers whose rows are chosen by area (scope all or areas, optionally a unit filter):
 * returns null for a caller who also sees households by being their cadre or unit (the engine's
 * "ownsIt"), and when the month is in the cache (counting the cached rows is cheaper).
 */
export async function monthCounts(
  db: DbOrTx,
  access: VisitAccess,
  f: { month: MonthKey; areaPrefix?: string; unitOrgId?: number },
  g: CountKey,
): Promise<Map<string, OutcomeCounts> | null> {
  if (access.scope.kind !== 'all' && access.scope.kind !== 'areas') return null;
  // evaluateMonth shows such a caller also the households of their own cadre and unit
  if (access.unitOrgId) return null;
  const r = monthRange(f.month);
  const counties = await countiesFor(db, access, f.areaPrefix);
  const rules = await loadRules(db, counties, r.year);
  if (counties.some((c) => cached(c, rules.get(c)!, f.month))) return null;
  const prefixes = prefixesOf(access);
  const exact = access.scope.kind === 'areas' ? access.scope.exact : [];
  const out = new Map<string, OutcomeCounts>();
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
  return out;
}
