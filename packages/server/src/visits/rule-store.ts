import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';
import { DEFAULT_VISIT_RULE, VISIT_KINDS, type VisitKind, type VisitRule } from './rules';

export type StoredRule = VisitRule & { countyCode: string; year: number; isDefault: boolean };

type RuleRow = {
  county_code: string;
  year: number;
  min_visits_per_month: number;
  visit_day: number | null;
  counted_kinds: string[];
  required_statuses: string[];
  prorate_partial_month: boolean;
  attendance_min_days: number;
  report_due_day: number;
};

function fromRow(r: RuleRow): StoredRule {
  return {
    countyCode: r.county_code,
    year: r.year,
    isDefault: false,
    minVisitsPerMonth: r.min_visits_per_month,
    visitDay: r.visit_day,
    countedKinds: r.counted_kinds.filter((k): k is VisitKind => (VISIT_KINDS as readonly string[]).includes(k)),
    requiredStatuses: r.required_statuses,
    proratePartialMonth: r.prorate_partial_month,
    attendanceMinDays: r.attendance_min_days,
    reportDueDay: r.report_due_day,
  };
}

export function defaultRule(countyCode: string, year: number): StoredRule {
  return { ...DEFAULT_VISIT_RULE, countyCode, year, isDefault: true };
}

/** The visit rules of each county for a year; a county that set none gets the defaults. */
export async function loadRules(db: DbOrTx, counties: string[], year: number): Promise<Map<string, StoredRule>> {
  const out = new Map<string, StoredRule>();
  if (counties.length) {
    const rows = await db.selectFrom('visit_rule').selectAll().where('county_code', 'in', counties).where('year', '=', year).execute();
    for (const r of rows) out.set(r.county_code, fromRow(r as RuleRow));
  }
  for (const c of counties) if (!out.has(c)) out.set(c, defaultRule(c, year));
  return out;
}

export async function loadRule(db: DbOrTx, county: string, year: number): Promise<StoredRule> {
  return (await loadRules(db, [county], year)).get(county)!;
}

export function saveRule(db: DbOrTx, r: StoredRule, by: number) {
  const v = {
    min_visits_per_month: r.minVisitsPerMonth,
    visit_day: r.visitDay,
    counted_kinds: r.countedKinds,
    required_statuses: r.requiredStatuses,
    prorate_partial_month: r.proratePartialMonth,
    attendance_min_days: r.attendanceMinDays,
    report_due_day: r.reportDueDay,
    updated_by: by,
  };
  return db
    .insertInto('visit_rule')
    .values({ county_code: r.countyCode, year: r.year, ...v })
    .onConflict((oc) => oc.columns(['county_code', 'year']).doUpdateSet({ ...v, updated_at: sql`now()` }))
    .execute();
}
