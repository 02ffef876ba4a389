import { sql } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../db/db';
import type { VisitMonthOutcomeTable } from '../../db/schema';
import { registerJob } from '../../jobs/runner';
import { todayInChinaString } from '../../jobs/time';
import { loadRule, loadRules, type StoredRule } from '../rule-store';
import { addMonths, monthOf, monthRange, monthsOfYear, type MonthKey, type Outcome } from '../rules';
import type { HouseholdEval } from './engine';

/**
 * The stored month verdicts (migration 043): a county's month is decided once by the pure rule
 * (engine.ts#loadMonth → rules.ts#evaluateHouseholdMonth) and written to visit_month_outcome;
 * triggers mark the households a later write may have changed, and every reader first decides
 * those again. So a rate or a list reads rows that are as fresh as the last committed write,
 * after a restart too, without deciding 200 k households while someone waits.
 *
 * Two transactions build a month: the first makes the month known ('building'), so that from
 * its commit on every write marks what it changes; the second, which reads the data, can then
 * miss nothing — a write committed before its reads is seen, a later one has left a mark.
 */

type LoadMonth = (db: DbOrTx, county: string, rule: StoredRule, key: MonthKey, narrow: { householdIds?: number[] }) => Promise<HouseholdEval[]>;

let loader: LoadMonth | null = null;
/** engine.ts hands over its loader (the two files would otherwise import each other). */
export function useLoader(l: LoadMonth) {
  loader = l;
}

const ruleKeyOf = (rule: StoredRule) => JSON.stringify(rule);
const lockKey = (county: string, key: MonthKey) => sql`pg_advisory_xact_lock(hashtext(${`visit_month_outcome|${county}|${key}`}))`;

async function insertRows(tx: DbOrTx, county: string, first: string, rows: HouseholdEval[]) {
  // unnest of arrays: one statement of 10 parameters per 5,000 rows rather than 16 per row
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    const col = <T>(f: (r: HouseholdEval) => T) => part.map(f);
    await sql`
      INSERT INTO visit_month_outcome (county_code, month, household_id, area_code, village_code, township_code, outcome,
        required, done, paired_days, effective_days, cadre_id, unit_org_id, cadre_status, reason, last_visit_date)
      SELECT ${county}, ${first}::date, u.* FROM unnest(
        ${col((r) => r.householdId)}::bigint[], ${col((r) => r.areaCode)}::text[], ${col((r) => r.villageCode)}::text[],
        ${col((r) => r.townshipCode)}::text[], ${col((r) => r.result.outcome)}::text[], ${col((r) => r.result.required)}::smallint[],
        ${col((r) => r.result.done)}::smallint[], ${col((r) => r.result.pairedDays)}::smallint[], ${col((r) => r.result.effectiveDays)}::smallint[],
        ${col((r) => r.result.responsible?.cadreId ?? null)}::bigint[], ${col((r) => r.result.responsible?.unitOrgId ?? null)}::bigint[],
        ${col((r) => r.result.responsible?.cadreStatus ?? null)}::text[], ${col((r) => r.result.reason)}::text[], ${col((r) => r.lastVisitDate)}::date[]
      ) AS u`.execute(tx);
  }
}

/**
 * Under the month's lock: the rule in force now (never the one a caller read earlier, so a
 * build queued before a rule change cannot store verdicts of the old rule after a newer build),
 * and the month's state.
 */
async function lockedState(tx: Tx, county: string, key: MonthKey) {
  await sql`SELECT ${lockKey(county, key)}`.execute(tx);
  const rule = await loadRule(tx, county, monthRange(key).year);
  const st = await tx
    .selectFrom('visit_month_state')
    .select(['status', 'rule_key'])
    .where('county_code', '=', county)
    .where('month', '=', monthRange(key).first)
    .executeTakeFirst();
  return { rule, current: st?.status === 'ready' && st.rule_key === ruleKeyOf(rule) };
}

/** Decides the whole county-month again and stores it, unless it is current already. */
async function build(db: Db, county: string, key: MonthKey) {
  const first = monthRange(key).first;
  // known from here on: every later write marks what it changes
  await db
    .insertInto('visit_month_state')
    .values({ county_code: county, month: first, rule_key: '', status: 'building' })
    .onConflict((oc) => oc.columns(['county_code', 'month']).doNothing())
    .execute();
  const built = await db.transaction().execute(async (tx) => {
    const { rule, current } = await lockedState(tx, county, key);
    if (current) return false;
    await tx.deleteFrom('visit_month_dirty').where('county_code', '=', county).where('month', '=', first).execute();
    await tx.deleteFrom('visit_month_outcome').where('county_code', '=', county).where('month', '=', first).execute();
    await insertRows(tx, county, first, await loader!(tx, county, rule, key, {}));
    await tx
      .updateTable('visit_month_state')
      .set({ status: 'ready', rule_key: ruleKeyOf(rule), built_at: new Date() })
      .where('county_code', '=', county)
      .where('month', '=', first)
      .execute();
    return true;
  });
  // A freshly filled month has no statistics yet: without them the planner reads a refresh's few
  // households through the cadre index, all 200 k rows of the month (75 ms instead of 1). The
  // vacuum marks its pages all-visible, so counts and pages are read from the indexes alone.
  // Outside a transaction (VACUUM cannot run in one): on a pooled connection of its own.
  if (built) await sql`VACUUM (ANALYZE) visit_month_outcome`.execute(db);
}

/** Decides again the households that writes have marked since the last read. */
async function refresh(db: Db, county: string, key: MonthKey) {
  const first = monthRange(key).first;
  const any = await db.selectFrom('visit_month_dirty').select('household_id').where('county_code', '=', county).where('month', '=', first).limit(1).executeTakeFirst();
  if (!any) return;
  await db.transaction().execute(async (tx) => {
    const { rule, current } = await lockedState(tx, county, key);
    // a month being rebuilt (the rule changed meanwhile) is left to its build
    if (!current) return;
    // marks first, data after: a write committed after this statement leaves a mark for the next reader
    const marked = await sql<{ household_id: number }>`
      DELETE FROM visit_month_dirty WHERE county_code = ${county} AND month = ${first}::date RETURNING household_id`.execute(tx);
    const ids = marked.rows.map((r) => Number(r.household_id));
    if (!ids.length) return;
    const rows = await loader!(tx, county, rule, key, { householdIds: ids });
    await sql`DELETE FROM visit_month_outcome WHERE county_code = ${county} AND month = ${first}::date AND household_id = ANY(${ids}::bigint[])`.execute(tx);
    await insertRows(tx, county, first, rows);
  });
}

// One build of a county-month at a time in this process; concurrent readers share it.
const building = new Map<string, Promise<void>>();
function buildOnce(db: Db, county: string, key: MonthKey): Promise<void> {
  const k = `${county}|${key}`;
  const running = building.get(k);
  if (running) return running;
  const p = build(db, county, key).finally(() => building.delete(k));
  building.set(k, p);
  return p;
}

let background: Promise<void> = Promise.resolve();

/**
 * Makes the stored month of each county current. `wait: false` returns at once for a month that
 * is not built (or was built under another rule) and builds it in the background: the caller
 * then counts another way (engine.ts#monthCounts). Returns the counties whose month is ready.
 */
export async function readyMonths(db: Db, rules: Map<string, StoredRule>, key: MonthKey, opts: { wait: boolean }): Promise<Set<string>> {
  const counties = [...rules.keys()];
  const ready = new Set<string>();
  if (!counties.length) return ready;
  const first = monthRange(key).first;
  const states = await db
    .selectFrom('visit_month_state')
    .select(['county_code', 'status', 'rule_key'])
    .where('county_code', 'in', counties)
    .where('month', '=', first)
    .execute();
  const state = new Map(states.map((s) => [s.county_code, s]));
  for (const county of counties) {
    const rule = rules.get(county)!;
    const s = state.get(county);
    if (s?.status === 'ready' && s.rule_key === ruleKeyOf(rule)) {
      await refresh(db, county, key);
      ready.add(county);
    } else if (opts.wait) {
      await buildOnce(db, county, key);
      await refresh(db, county, key);
      ready.add(county);
    } else {
      // Nobody waits for it: built one after another (a year's trend asks for twelve months at
      // once), and a failure only leaves the month to the next reader.
      background = background.then(() => buildOnce(db, county, key)).catch(() => {});
    }
  }
  return ready;
}

/** A stored verdict as read (`SELECT o.*`). */
export type OutcomeRow = VisitMonthOutcomeTable;

export function evalOf(r: OutcomeRow): HouseholdEval {
  return {
    countyCode: r.county_code,
    householdId: Number(r.household_id),
    areaCode: r.area_code,
    villageCode: r.village_code,
    townshipCode: r.township_code,
    lastVisitDate: r.last_visit_date,
    result: {
      outcome: r.outcome as Outcome,
      required: r.required,
      done: r.done,
      pairedDays: r.paired_days,
      effectiveDays: r.effective_days,
      responsible:
        r.cadre_id === null
          ? null
          : { cadreId: Number(r.cadre_id), unitOrgId: Number(r.unit_org_id), cadreStatus: r.cadre_status as NonNullable<HouseholdEval['result']['responsible']>['cadreStatus'] },
      reason: r.reason,
    },
  };
}

/** The counties with pairings now: the ones whose current and previous month the nightly job keeps built. */
async function activeCounties(db: Db): Promise<string[]> {
  const rows = await sql<{ county_code: string }>`
    SELECT a.code AS county_code FROM area a
    WHERE a.level = 3 AND EXISTS (SELECT 1 FROM pairing p WHERE p.county_code = a.code AND p.end_date IS NULL)`.execute(db);
  return rows.rows.map((r) => r.county_code);
}

/**
 * Builds (or brings up to date) every month of this year so far and the previous month, for
 * every county with pairings: the first reader of a day — of a new month, of the dashboard's
 * monthly trend — does not wait for a build. Newest first: this month and last matter most.
 */
export async function warmMonths(db: Db, today = todayInChinaString()): Promise<{ counties: number; months: string[] }> {
  const counties = await activeCounties(db);
  const now = monthOf(today);
  const months = [...new Set([now, addMonths(now, -1), ...monthsOfYear(Number(today.slice(0, 4)), now).reverse()])];
  for (const key of months) await readyMonths(db, await loadRules(db, counties, monthRange(key).year), key, { wait: true });
  return { counties: counties.length, months };
}

registerJob('visit-month-outcomes', (db) => warmMonths(db), { nightly: true });
