import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

type Key = { township_code: string; year: number; quarter: number };

/** The facts behind the finance office's to-do list, a few grouped reads for every township in scope. */
export const todoRepo = {
  townships(db: DbOrTx, scope: Scope, countyCode?: string) {
    let q = db
      .selectFrom('area')
      .select(['code', 'name', 'county_code'])
      .where('level', '=', 4)
      .where(scoped(scope, { area: 'area.code', county: 'area.county_code' }));
    if (countyCode) q = q.where('county_code', '=', countyCode);
    return q.orderBy('code').execute() as Promise<{ code: string; name: string; county_code: string }[]>;
  },

  /** Subsidised household loans maturing per township and quarter; what is still pending can be pre-paid. */
  maturing(db: DbOrTx, townships: string[], from: string, to: string) {
    return sql<Key & { loans: number; pending_fen: string; open_fen: string }>`
      SELECT l.township_code, extract(year FROM l.maturity_date)::int AS year, extract(quarter FROM l.maturity_date)::int AS quarter,
             count(*)::int AS loans, coalesce(sum(s.amount_fen) FILTER (WHERE s.status = 'pending'), 0)::bigint AS pending_fen,
             coalesce(sum(s.amount_fen) FILTER (WHERE s.status IN ('pending', 'earned')), 0)::bigint AS open_fen
      FROM loan l JOIN loan_subsidy s ON s.county_code = l.county_code AND s.loan_id = l.id
      WHERE l.township_code = ANY(${townships}::text[]) AND l.kind = 'household' AND s.status <> 'not_applicable' AND s.payer = 'coop'
        AND l.maturity_date BETWEEN ${from}::date AND ${to}::date
      GROUP BY 1, 2, 3`
      .execute(db)
      .then((r) => r.rows);
  },

  /** Quarter-start prepayments in force (not reversed). */
  prepaid(db: DbOrTx, townships: string[], fromYear: number) {
    return sql<Key & { fen: string; on_date: string }>`
      SELECT t.township_code, t.year, t.quarter, sum(t.amount_fen)::bigint AS fen, min(t.on_date)::text AS on_date
      FROM loan_fund_transfer t
      WHERE t.township_code = ANY(${townships}::text[]) AND t.kind = 'prepayment' AND t.reversal_of IS NULL AND t.year >= ${fromYear}
        AND NOT EXISTS (SELECT 1 FROM loan_fund_transfer r WHERE r.county_code = t.county_code AND r.reversal_of = t.id)
      GROUP BY 1, 2, 3`
      .execute(db)
      .then((r) => r.rows);
  },

  settled(db: DbOrTx, townships: string[], fromYear: number) {
    return db
      .selectFrom('loan_settlement')
      .select(['township_code', 'year', 'quarter', 'settled_on'])
      .where('township_code', 'in', townships.length ? townships : [''])
      .where('year', '>=', fromYear)
      .execute();
  },

  /** Rosters the coop filed that the finance office has not yet claimed on. */
  unclaimedRosters(db: DbOrTx, townships: string[]) {
    return sql<Key & { rosters: number; fen: string }>`
      SELECT township_code, year, quarter, count(*)::int AS rosters, sum(total_fen)::bigint AS fen
      FROM loan_roster WHERE township_code = ANY(${townships}::text[]) AND status = 'filed'
      GROUP BY 1, 2, 3`
      .execute(db)
      .then((r) => r.rows);
  },

  /** The county finance bureau's quarterly allocations in force, per township and quarter. */
  allocated(db: DbOrTx, townships: string[], fromYear: number) {
    return sql<Key & { fen: string }>`
      SELECT t.township_code, t.year, t.quarter, sum(t.amount_fen)::bigint AS fen
      FROM loan_fund_transfer t
      WHERE t.township_code = ANY(${townships}::text[]) AND t.kind = 'allocation' AND t.reversal_of IS NULL AND t.year >= ${fromYear}
        AND NOT EXISTS (SELECT 1 FROM loan_fund_transfer r WHERE r.county_code = t.county_code AND r.reversal_of = t.id)
      GROUP BY 1, 2, 3`
      .execute(db)
      .then((r) => r.rows);
  },

  /** Reimbursement claims submitted by the finance offices and not yet decided by the bureau. */
  submittedClaims(db: DbOrTx, townships: string[]) {
    return db
      .selectFrom('loan_reimbursement_claim')
      .select(['id', 'county_code', 'claim_no', 'township_code', 'amount_fen', 'roster_count', 'submitted_on'])
      .where('township_code', 'in', townships.length ? townships : [''])
      .where('status', '=', 'submitted')
      .execute();
  },

  /** reportDay and remindDays of each county's active scheme per year. */
  schemes(db: DbOrTx, counties: string[]) {
    return db
      .selectFrom('loan_scheme')
      .select(['county_code', 'year', 'report_day', 'remind_days', 'county_review_days'])
      .where('status', '=', 'active')
      .where('county_code', 'in', counties.length ? counties : [''])
      .execute();
  },
};
