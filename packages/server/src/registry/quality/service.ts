import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import type { Scope } from '../../scope/scope';
import { inScope } from '../scope';
import { today } from '../common';
import { QUALITY_RULES, type QualityRule } from '../rules';
import { recheckHouseholds } from './check';

 
type AnyEb = ExpressionBuilder<any, any>;

export type IssueFilters = { rule?: string; severity?: 'error' | 'warning'; townshipCode?: string; villageCode?: string; householdId?: number };

function where(scope: Scope, f: IssueFilters) {
  return (eb: AnyEb): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [inScope(scope, 'q')(eb)];
    if (f.rule) parts.push(eb('q.rule', '=', f.rule));
    if (f.severity) parts.push(eb('q.severity', '=', f.severity));
    if (f.townshipCode) parts.push(eb('q.township_code', '=', f.townshipCode));
    if (f.villageCode) parts.push(eb('q.village_code', '=', f.villageCode));
    if (f.householdId) parts.push(eb('q.household_id', '=', f.householdId));
    return eb.and(parts);
  };
}

const CHUNK = 2000;

/**
 * Re-runs every rule over the households in a scope, county by county, in chunks of 2,000 (one
 * transaction each, so a long run never holds locks for long and saves are never blocked for more
 * than a chunk). Records the run with its counts.
 */
export async function runQuality(db: Db, scope: Scope, label: string | null = null) {
  const run = await db.insertInto('registry_quality_run').values({ scope_prefix: label }).returning('id').executeTakeFirstOrThrow();
  const day = today();
  let households = 0;
  let issues = 0;
  try {
    const counties = await db
      .selectFrom('household as h')
      .select('h.county_code')
      .distinct()
      .where((eb) => inScope(scope, 'h')(eb))
      .execute();
    for (const { county_code } of counties) {
      let after = 0;
      for (;;) {
        const ids = await db
          .selectFrom('household as h')
          .select('h.id')
          .where('h.county_code', '=', county_code)
          .where('h.id', '>', after)
          .where((eb) => inScope(scope, 'h')(eb))
          .orderBy('h.id')
          .limit(CHUNK)
          .execute();
        if (!ids.length) break;
        after = ids[ids.length - 1].id;
        issues += await db.transaction().execute((tx) =>
          recheckHouseholds(
            tx,
            county_code,
            ids.map((r) => r.id),
            day,
          ),
        );
        households += ids.length;
      }
    }
    const byRule = await db
      .selectFrom('registry_quality_issue as q')
      .select(['q.rule', sql<number>`count(*)::int`.as('n')])
      .where((eb) => inScope(scope, 'q')(eb))
      .groupBy('q.rule')
      .execute();
    const persons = await db
      .selectFrom('person as p')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('p.status', '=', 'active')
      .where((eb) => inScope(scope, 'p')(eb))
      .executeTakeFirstOrThrow();
    await db
      .updateTable('registry_quality_run')
      .set({ finished_at: sql`now()`, households, persons: persons.n, issues, by_rule: sql`${JSON.stringify(Object.fromEntries(byRule.map((r) => [r.rule, r.n])))}::jsonb` })
      .where('id', '=', run.id)
      .execute();
    return { runId: run.id, households, persons: persons.n, issues };
  } catch (e) {
    await db.updateTable('registry_quality_run').set({ finished_at: sql`now()`, error: String((e as Error).message).slice(0, 2000) }).where('id', '=', run.id).execute();
    throw e;
  }
}

export const qualityService = {
  async summary(db: Db, ctx: Ctx, f: IssueFilters) {
    const base = () => db.selectFrom('registry_quality_issue as q').where((eb) => where(ctx.scope, f)(eb));
    const [total, byRule, byTownship, byVillage, lastRun] = await Promise.all([
      base()
        .select([sql<number>`count(*)::int`.as('issues'), sql<number>`count(DISTINCT (q.county_code, q.household_id))::int`.as('households')])
        .executeTakeFirstOrThrow(),
      base()
        .select(['q.rule', sql<number>`count(*)::int`.as('n'), sql<number>`count(DISTINCT (q.county_code, q.household_id))::int`.as('h')])
        .groupBy('q.rule')
        .execute(),
      base()
        .leftJoin('area as t', 't.code', 'q.township_code')
        .select(['q.township_code', 't.name', sql<number>`count(*)::int`.as('n'), sql<number>`count(DISTINCT (q.county_code, q.household_id))::int`.as('h')])
        .groupBy(['q.township_code', 't.name'])
        .orderBy(sql`count(*)`, 'desc')
        .execute(),
      base()
        .leftJoin('area as v', 'v.code', 'q.village_code')
        .leftJoin('area as t', 't.code', 'q.township_code')
        .select(['q.village_code', 'v.name', 't.name as township_name', sql<number>`count(*)::int`.as('n'), sql<number>`count(DISTINCT (q.county_code, q.household_id))::int`.as('h')])
        .groupBy(['q.village_code', 'v.name', 't.name'])
        .orderBy(sql`count(*)`, 'desc')
        .limit(500)
        .execute(),
      db.selectFrom('registry_quality_run').selectAll().where('finished_at', 'is not', null).where('error', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    ]);
    const counts = new Map(byRule.map((r) => [r.rule, r]));
    return {
      issues: total.issues,
      households: total.households,
      byRule: (Object.keys(QUALITY_RULES) as QualityRule[]).map((rule) => ({ rule, label: QUALITY_RULES[rule], issues: counts.get(rule)?.n ?? 0, households: counts.get(rule)?.h ?? 0 })),
      byTownship: byTownship.map((r) => ({ code: r.township_code, name: r.name, issues: r.n, households: r.h })),
      byVillage: byVillage.map((r) => ({ code: r.village_code, name: r.name, townshipName: r.township_name, issues: r.n, households: r.h })),
      lastRun: lastRun
        ? { startedAt: new Date(String(lastRun.started_at)).toISOString(), finishedAt: new Date(String(lastRun.finished_at)).toISOString(), households: lastRun.households ?? 0, issues: lastRun.issues ?? 0 }
        : null,
    };
  },

  listQuery(db: Db, scope: Scope, f: IssueFilters) {
    return db
      .selectFrom('registry_quality_issue as q')
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'q.county_code').onRef('h.id', '=', 'q.household_id'))
      .leftJoin('person as p', (j) => j.onRef('p.county_code', '=', 'q.county_code').onRef('p.id', '=', 'q.person_id'))
      .leftJoin('area as v', 'v.code', 'q.village_code')
      .leftJoin('area as t', 't.code', 'q.township_code')
      .select([
        'q.id',
        'q.household_id',
        'q.person_id',
        'q.rule',
        'q.severity',
        'q.message',
        'q.detected_at',
        'h.household_no',
        'h.head_name',
        'p.name as person_name',
        'v.name as village_name',
        't.name as township_name',
      ])
      .where((eb) => where(scope, f)(eb));
  },

  async list(db: Db, ctx: Ctx, f: IssueFilters & { page: number; pageSize: number }) {
    const [rows, total] = await Promise.all([
      this.listQuery(db, ctx.scope, f)
        .orderBy('q.village_code')
        .orderBy('h.household_no')
        .orderBy('q.id')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute(),
      db
        .selectFrom('registry_quality_issue as q')
        .select(sql<number>`count(*)::int`.as('n'))
        .where((eb) => where(ctx.scope, f)(eb))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toIssueItem), total: total.n, page: f.page, pageSize: f.pageSize };
  },

  /** All issues of the filter in pages of 5,000 (keyset), for the streamed export. */
  async *iterate(db: Db, ctx: Ctx, f: IssueFilters) {
    let after = 0;
    for (;;) {
      const rows = await this.listQuery(db, ctx.scope, f).where('q.id', '>', after).orderBy('q.id').limit(5000).execute();
      if (!rows.length) return;
      after = rows[rows.length - 1].id;
      yield rows.map(toIssueItem);
    }
  },
};

type IssueRow = {
  id: number;
  household_id: number;
  person_id: number | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  detected_at: unknown;
  household_no: string;
  head_name: string | null;
  person_name: string | null;
  village_name: string | null;
  township_name: string | null;
};

export function toIssueItem(r: IssueRow) {
  return {
    id: r.id,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    personId: r.person_id,
    personName: r.person_name,
    townshipName: r.township_name,
    villageName: r.village_name,
    rule: r.rule,
    ruleLabel: QUALITY_RULES[r.rule as QualityRule] ?? r.rule,
    severity: r.severity,
    severityLabel: r.severity === 'error' ? '错误' : '提醒',
    message: r.message,
    detectedAt: new Date(r.detected_at instanceof Date ? r.detected_at.toISOString() : String(r.detected_at)).toISOString(),
  };
}
