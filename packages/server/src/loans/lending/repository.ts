import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanInstalmentTable, LoanRepaymentTable, LoanSubsidyEventTable, LoanSubsidyTable, LoanTable } from '../../db/schema';
import { containsPattern, scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export type LoanRow = Selectable<LoanTable> & {
  area_name: string | null;
  township_name: string | null;
  industry_label: string | null;
  subsidy_status: string;
  subsidy_fen: number;
};

function base(db: DbOrTx, scope: Scope) {
  return db
    .selectFrom('loan as l')
    .innerJoin('loan_subsidy as s', (j) => j.onRef('s.county_code', '=', 'l.county_code').onRef('s.loan_id', '=', 'l.id'))
    .leftJoin('area as a', 'a.code', 'l.area_code')
    .leftJoin('area as tw', 'tw.code', 'l.township_code')
    .leftJoin('dict_item as di', (j) => j.on('di.type_code', '=', 'loan_industry').onRef('di.code', '=', 'l.industry'))
    .selectAll('l')
    .select(['a.name as area_name', 'tw.name as township_name', 'di.label as industry_label', 's.status as subsidy_status', 's.amount_fen as subsidy_fen'])
    .where(scoped(scope, { area: 'l.area_code', county: 'l.county_code' }));
}

/** SQL for "overdue on `on`": active with the oldest unpaid instalment past its grace date. */
const overdueOn = (on: string) => sql<boolean>`(l.status = 'active' AND l.first_unpaid_grace_on < ${on}::date)`;
const daysOverdue = (on: string) => sql<number>`(${on}::date - l.first_unpaid_due_on)`;

export const BUCKET_SQL: Record<string, (on: string) => ReturnType<typeof sql<boolean>>> = {
  '1-30': (on) => sql<boolean>`${daysOverdue(on)} BETWEEN 1 AND 30`,
  '31-90': (on) => sql<boolean>`${daysOverdue(on)} BETWEEN 31 AND 90`,
  '91-180': (on) => sql<boolean>`${daysOverdue(on)} BETWEEN 91 AND 180`,
  '180+': (on) => sql<boolean>`${daysOverdue(on)} > 180`,
};

export const loanRepo = {
  async list(
    db: DbOrTx,
    scope: Scope,
    on: string,
    f: { page: number; pageSize: number; order: 'asc' | 'desc'; status?: string; kind?: 'household' | 'enterprise'; year?: number; areaCode?: string; householdId?: number; bucket?: string; keyword?: string },
  ) {
    let q = base(db, scope);
    if (f.status === 'overdue') q = q.where(overdueOn(on));
    else if (f.status === 'active') q = q.where('l.status', '=', 'active').where(sql<boolean>`NOT ${overdueOn(on)}`);
    else if (f.status) q = q.where('l.status', '=', f.status as LoanRow['status']);
    if (f.bucket) q = q.where(overdueOn(on)).where(BUCKET_SQL[f.bucket](on));
    if (f.kind) q = q.where('l.kind', '=', f.kind);
    if (f.year) q = q.where('l.year', '=', f.year);
    if (f.areaCode) q = q.where('l.area_code', 'like', `${f.areaCode}%`);
    if (f.householdId) q = q.where('l.household_id', '=', f.householdId);
    if (f.keyword) {
      const k = containsPattern(f.keyword);
      q = q.where((eb) => eb.or([eb('l.borrower_name', 'ilike', k), eb('l.loan_no', 'ilike', k), eb('l.contract_no', 'ilike', k)]));
    }
    const total = await q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const items = await q
      .orderBy('l.id', f.order)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: items as LoanRow[], total: total.n };
  },

  get(db: DbOrTx, scope: Scope, id: number) {
    return base(db, scope).where('l.id', '=', id).executeTakeFirst() as Promise<LoanRow | undefined>;
  },

  lock(tx: Tx, countyCode: string, id: number) {
    return tx.selectFrom('loan').selectAll().where('county_code', '=', countyCode).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  },

  insert(tx: Tx, row: Insertable<LoanTable>) {
    return tx.insertInto('loan').values(row).returning(['id']).executeTakeFirstOrThrow();
  },

  update(tx: Tx, countyCode: string, id: number, set: Updateable<LoanTable>) {
    return tx
      .updateTable('loan')
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .execute();
  },

  instalments(db: DbOrTx, countyCode: string, loanId: number) {
    return db.selectFrom('loan_instalment').selectAll().where('county_code', '=', countyCode).where('loan_id', '=', loanId).orderBy('seq').execute();
  },

  insertInstalments(tx: Tx, rows: Insertable<LoanInstalmentTable>[]) {
    return tx.insertInto('loan_instalment').values(rows).execute();
  },

  updateInstalment(tx: Tx, countyCode: string, loanId: number, seq: number, set: Updateable<LoanInstalmentTable>) {
    return tx.updateTable('loan_instalment').set(set).where('county_code', '=', countyCode).where('loan_id', '=', loanId).where('seq', '=', seq).execute();
  },

  repayments(db: DbOrTx, countyCode: string, loanId: number) {
    return db.selectFrom('loan_repayment').selectAll().where('county_code', '=', countyCode).where('loan_id', '=', loanId).orderBy('paid_on').orderBy('id').execute();
  },

  insertRepayment(tx: Tx, row: Insertable<LoanRepaymentTable>) {
    return tx.insertInto('loan_repayment').values(row).returning('id').executeTakeFirstOrThrow();
  },

  subsidy(db: DbOrTx, countyCode: string, loanId: number) {
    return db.selectFrom('loan_subsidy').selectAll().where('county_code', '=', countyCode).where('loan_id', '=', loanId).executeTakeFirstOrThrow();
  },

  insertSubsidy(tx: Tx, row: Insertable<LoanSubsidyTable>) {
    return tx.insertInto('loan_subsidy').values(row).execute();
  },

  updateSubsidy(tx: Tx, countyCode: string, loanId: number, set: Updateable<LoanSubsidyTable>) {
    return tx
      .updateTable('loan_subsidy')
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('loan_id', '=', loanId)
      .execute();
  },

  subsidyEvent(tx: Tx, row: Insertable<LoanSubsidyEventTable>) {
    return tx.insertInto('loan_subsidy_event').values(row).execute();
  },

  subsidyEvents(db: DbOrTx, countyCode: string, loanId: number) {
    return db.selectFrom('loan_subsidy_event').selectAll().where('county_code', '=', countyCode).where('loan_id', '=', loanId).orderBy('id').execute();
  },

  /** Overdue ageing of the outstanding portfolio on `on` (Fineract's delinquency buckets). */
  async ageing(db: DbOrTx, scope: Scope, on: string, areaCode?: string) {
    let q = db
      .selectFrom('loan as l')
      .where(scoped(scope, { area: 'l.area_code', county: 'l.county_code' }))
      .where('l.status', '=', 'active');
    if (areaCode) q = q.where('l.area_code', 'like', `${areaCode}%`);
    const cols = Object.entries(BUCKET_SQL).flatMap(([k, f]) => [
      sql<number>`count(*) FILTER (WHERE ${overdueOn(on)} AND ${f(on)})::int`.as(`c_${k}`),
      sql<number>`coalesce(sum(l.outstanding_fen) FILTER (WHERE ${overdueOn(on)} AND ${f(on)}), 0)::bigint`.as(`f_${k}`),
    ]);
    return (await q
      .select([sql<number>`count(*)::int`.as('active_count'), sql<number>`coalesce(sum(l.outstanding_fen), 0)::bigint`.as('outstanding_fen'), ...cols])
      .executeTakeFirstOrThrow()) as Record<string, number>;
  },
};
