/**
 * Lending and recovery figures of a period, per township, in SQL (a county with 30,000 loans
 * must answer in well under a second). Repayments are allocated to instalments oldest first, so
 * the part of instalment i repaid by a date is clamp(repaid by then − principal of earlier
 * instalments, 0, principal of i) — exactly what `rules.evaluateLoan` does, without loading
 * every loan.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import type { Scope } from '../../scope/scope';

export type PeriodRow = {
  township_code: string | null;
  disbursed_count: number;
  disbursed_fen: number;
  repaid_fen: number;
  due_fen: number;
  recovered_fen: number;
  outstanding_fen: number;
  overdue_fen: number;
  overdue_count: number;
  subsidy_paid_fen: number;
};

/**
 * The scope as a raw SQL condition on loan `l`, the same rule as `scopeFilter` (which needs a
 * query builder; these reports are hand-written SQL).
 */
function scopeSql(scope: Scope) {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'none':
    case 'self':
      return sql`false`;
    case 'areas': {
      const parts = [...scope.below.map((p) => sql`l.area_code LIKE ${p + '%'}`)];
      if (scope.exact.length) parts.push(sql`l.area_code = ANY(${scope.exact}::text[])`);
      if (!parts.length) return sql`false`;
      const area = sql`(${sql.join(parts, sql` OR `)})`;
      return scope.counties?.length ? sql`(l.county_code = ANY(${scope.counties}::text[]) AND ${area})` : area;
    }
  }
}

/**
 * `from`–`to`: the period (lending, repayments, principal falling due); `asOf` (default `to`):
 * the date up to which repayments count as recovered, and of the outstanding and overdue figures.
 */
export async function periodFigures(db: DbOrTx, scope: Scope, countyCode: string, from: string, to: string, opts: { townshipCode?: string; asOf?: string } = {}): Promise<PeriodRow[]> {
  const town = opts.townshipCode ? sql`AND l.township_code = ${opts.townshipCode}` : sql``;
  const asOf = opts.asOf ?? to;
  const r = await sql<PeriodRow>`
    WITH loans AS (
      SELECT l.county_code, l.id, l.township_code, l.principal_fen, l.disbursed_on, l.status, l.closed_on
      FROM loan l
      WHERE l.county_code = ${countyCode} AND ${scopeSql(scope)} ${town}
    ),
    repaid AS (
      SELECT r.loan_id, sum(r.principal_fen) FILTER (WHERE r.paid_on <= ${asOf}::date) AS by_end,
             sum(r.principal_fen) FILTER (WHERE r.paid_on BETWEEN ${from}::date AND ${to}::date) AS in_period
      FROM loan_repayment r JOIN loans l ON l.id = r.loan_id
      WHERE r.county_code = ${countyCode} AND r.paid_on <= greatest(${asOf}::date, ${to}::date)
      GROUP BY r.loan_id
    ),
    inst AS (
      SELECT i.loan_id, i.principal_fen, i.due_date, i.grace_date,
             sum(i.principal_fen) OVER (PARTITION BY i.loan_id ORDER BY i.seq) - i.principal_fen AS before
      FROM loan_instalment i JOIN loans l ON l.id = i.loan_id
      WHERE i.county_code = ${countyCode}
    ),
    -- One pass over the instalments, grouped per loan (a correlated subquery per loan is
    -- quadratic on a CTE: minutes for a county).
    inst_agg AS (
      SELECT i.loan_id,
             sum(i.principal_fen) FILTER (WHERE i.due_date BETWEEN ${from}::date AND ${to}::date) AS due,
             sum(greatest(0, least(i.principal_fen, coalesce(rp.by_end, 0) - i.before))) FILTER (WHERE i.due_date BETWEEN ${from}::date AND ${to}::date) AS recovered,
             sum(i.principal_fen - greatest(0, least(i.principal_fen, coalesce(rp.by_end, 0) - i.before))) FILTER (WHERE i.grace_date < ${asOf}::date) AS overdue
      FROM inst i LEFT JOIN repaid rp ON rp.loan_id = i.loan_id
      GROUP BY i.loan_id
    ),
    per_loan AS (
      SELECT l.township_code,
             (l.disbursed_on BETWEEN ${from}::date AND ${to}::date) AS lent_in_period,
             l.principal_fen, l.disbursed_on,
             coalesce(rp.by_end, 0) AS repaid_by_end,
             coalesce(rp.in_period, 0) AS repaid_in_period,
             (l.status = 'written_off' AND l.closed_on <= ${asOf}::date) AS written_off,
             coalesce(ia.due, 0) AS due,
             coalesce(ia.recovered, 0) AS recovered,
             coalesce(ia.overdue, 0) AS overdue
      FROM loans l LEFT JOIN repaid rp ON rp.loan_id = l.id LEFT JOIN inst_agg ia ON ia.loan_id = l.id
      WHERE l.disbursed_on <= greatest(${asOf}::date, ${to}::date)
    ),
    paid AS (
      SELECT p.township_code, sum(p.amount_fen) AS fen
      FROM loan_subsidy_payment p JOIN loans l ON l.id = p.loan_id
      WHERE p.county_code = ${countyCode} AND p.reversed_at IS NULL AND p.paid_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY p.township_code
    )
    SELECT pl.township_code,
           count(*) FILTER (WHERE pl.lent_in_period)::int AS disbursed_count,
           coalesce(sum(pl.principal_fen) FILTER (WHERE pl.lent_in_period), 0)::bigint AS disbursed_fen,
           coalesce(sum(pl.repaid_in_period), 0)::bigint AS repaid_fen,
           coalesce(sum(pl.due), 0)::bigint AS due_fen,
           coalesce(sum(pl.recovered), 0)::bigint AS recovered_fen,
           coalesce(sum(pl.principal_fen - pl.repaid_by_end) FILTER (WHERE NOT pl.written_off), 0)::bigint AS outstanding_fen,
           coalesce(sum(pl.overdue) FILTER (WHERE NOT pl.written_off), 0)::bigint AS overdue_fen,
           count(*) FILTER (WHERE pl.overdue > 0 AND NOT pl.written_off)::int AS overdue_count,
           coalesce(max(pd.fen), 0)::bigint AS subsidy_paid_fen
    FROM per_loan pl LEFT JOIN paid pd ON pd.township_code IS NOT DISTINCT FROM pl.township_code
    GROUP BY pl.township_code
    ORDER BY pl.township_code NULLS FIRST`.execute(db);
  return r.rows.map((x) => ({
    ...x,
    disbursed_count: Number(x.disbursed_count),
    disbursed_fen: Number(x.disbursed_fen),
    repaid_fen: Number(x.repaid_fen),
    due_fen: Number(x.due_fen),
    recovered_fen: Number(x.recovered_fen),
    outstanding_fen: Number(x.outstanding_fen),
    overdue_fen: Number(x.overdue_fen),
    overdue_count: Number(x.overdue_count),
    subsidy_paid_fen: Number(x.subsidy_paid_fen),
  }));
}

/** Lending and repayment per township and month of a year, for the dashboard. */
export async function monthly(db: DbOrTx, scope: Scope, countyCode: string, year: number) {
  const r = await sql<{ township_code: string | null; month: number; disbursed_fen: number; disbursed_count: number; repaid_fen: number }>`
    WITH l AS (SELECT * FROM loan l WHERE l.county_code = ${countyCode} AND ${scopeSql(scope)}),
    d AS (
      SELECT township_code, extract(month FROM disbursed_on)::int AS month, sum(principal_fen) AS fen, count(*) AS n
      FROM l WHERE extract(year FROM disbursed_on) = ${year} GROUP BY 1, 2
    ),
    p AS (
      SELECT l.township_code, extract(month FROM r.paid_on)::int AS month, sum(r.principal_fen) AS fen
      FROM loan_repayment r JOIN l ON l.id = r.loan_id
      WHERE r.county_code = ${countyCode} AND extract(year FROM r.paid_on) = ${year} GROUP BY 1, 2
    )
    SELECT coalesce(d.township_code, p.township_code) AS township_code, coalesce(d.month, p.month) AS month,
           coalesce(d.fen, 0)::bigint AS disbursed_fen, coalesce(d.n, 0)::int AS disbursed_count, coalesce(p.fen, 0)::bigint AS repaid_fen
    FROM d FULL JOIN p ON p.township_code IS NOT DISTINCT FROM d.township_code AND p.month = d.month
    ORDER BY 1 NULLS FIRST, 2`.execute(db);
  return r.rows.map((x) => ({ ...x, disbursed_fen: Number(x.disbursed_fen), disbursed_count: Number(x.disbursed_count), repaid_fen: Number(x.repaid_fen) }));
}
