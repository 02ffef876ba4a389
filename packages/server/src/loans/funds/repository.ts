import { sql, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanFundAccountTable, LoanFundEntryTable, LoanFundTransferTable, LoanSettlementTable } from '../../db/schema';
import { scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export type AccountRow = Selectable<LoanFundAccountTable>;
export type AccountKind = AccountRow['kind'];
export type TransferRow = Selectable<LoanFundTransferTable>;

export const fundRepo = {
  findAccount(db: DbOrTx, countyCode: string, kind: AccountKind, areaCode: string) {
    return db.selectFrom('loan_fund_account').selectAll().where('county_code', '=', countyCode).where('kind', '=', kind).where('area_code', '=', areaCode).executeTakeFirst();
  },

  createAccount(tx: Tx, row: { county_code: string; kind: AccountKind; area_code: string; name: string }) {
    return tx
      .insertInto('loan_fund_account')
      .values(row)
      .onConflict((oc) => oc.columns(['county_code', 'kind', 'area_code']).doNothing())
      .execute();
  },

  lockAccount(tx: Tx, countyCode: string, id: number) {
    return tx.selectFrom('loan_fund_account').selectAll().where('county_code', '=', countyCode).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  },

  setBalance(tx: Tx, countyCode: string, id: number, balance: number) {
    return tx.updateTable('loan_fund_account').set({ balance_fen: balance, updated_at: sql`now()` }).where('county_code', '=', countyCode).where('id', '=', id).execute();
  },

  insertEntry(tx: Tx, row: Insertable<LoanFundEntryTable>) {
    return tx.insertInto('loan_fund_entry').values(row).returning('id').executeTakeFirstOrThrow();
  },

  insertTransfer(tx: Tx, row: Insertable<LoanFundTransferTable>) {
    return tx.insertInto('loan_fund_transfer').values(row).returningAll().executeTakeFirstOrThrow();
  },

  transfer(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('loan_fund_transfer as t')
      .innerJoin('loan_fund_account as a', (j) => j.onRef('a.county_code', '=', 't.county_code').onRef('a.id', '=', 't.to_account_id'))
      .selectAll('t')
      .where('t.id', '=', id)
      .where(scoped(scope, { area: 'a.area_code', county: 'a.county_code' }))
      .executeTakeFirst();
  },

  transferReversed(db: DbOrTx, countyCode: string, id: number) {
    return db.selectFrom('loan_fund_transfer').select('id').where('county_code', '=', countyCode).where('reversal_of', '=', id).executeTakeFirst();
  },

  accounts(db: DbOrTx, scope: Scope, countyCode?: string) {
    let q = db
      .selectFrom('loan_fund_account as a')
      .leftJoin('area as ar', 'ar.code', 'a.area_code')
      .selectAll('a')
      .select('ar.name as area_name')
      .where(scoped(scope, { area: 'a.area_code', county: 'a.county_code' }));
    if (countyCode) q = q.where('a.county_code', '=', countyCode);
    return q.orderBy('a.area_code').orderBy('a.kind').execute();
  },

  account(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('loan_fund_account as a')
      .selectAll('a')
      .where('a.id', '=', id)
      .where(scoped(scope, { area: 'a.area_code', county: 'a.county_code' }))
      .executeTakeFirst();
  },

  async entries(db: DbOrTx, countyCode: string, accountId: number, page: number, pageSize: number) {
    const q = db.selectFrom('loan_fund_entry').where('county_code', '=', countyCode).where('account_id', '=', accountId);
    const total = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const items = await q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
    return { items, total: total.n };
  },

  /** Σ in − Σ out of each account's lines, next to the stored balance: the ledger checks itself. */
  ledgerCheck(db: DbOrTx, scope: Scope, countyCode: string) {
    return db
      .selectFrom('loan_fund_account as a')
      .leftJoin('loan_fund_entry as e', (j) => j.onRef('e.county_code', '=', 'a.county_code').onRef('e.account_id', '=', 'a.id'))
      .select([
        'a.id',
        'a.kind',
        'a.area_code',
        'a.name',
        'a.balance_fen',
        sql<number>`coalesce(sum(CASE e.direction WHEN 'in' THEN e.amount_fen WHEN 'out' THEN -e.amount_fen ELSE 0 END), 0)::bigint`.as('lines_fen'),
        sql<number>`coalesce(sum(e.amount_fen) FILTER (WHERE e.direction = 'in'), 0)::bigint`.as('in_fen'),
        sql<number>`coalesce(sum(e.amount_fen) FILTER (WHERE e.direction = 'out'), 0)::bigint`.as('out_fen'),
      ])
      .where('a.county_code', '=', countyCode)
      .where(scoped(scope, { area: 'a.area_code', county: 'a.county_code' }))
      .groupBy(['a.id', 'a.kind', 'a.area_code', 'a.name', 'a.balance_fen'])
      .orderBy('a.area_code')
      .execute();
  },

  /** Sum of transfers of some kinds into or out of an account in a quarter, net of reversals. */
  async transferredFen(db: DbOrTx, countyCode: string, f: { kinds: TransferRow['kind'][]; toAccountId?: number; fromAccountId?: number; year?: number; quarter?: number }) {
    let q = db
      .selectFrom('loan_fund_transfer as t')
      .select(sql<number>`coalesce(sum(CASE WHEN t.reversal_of IS NULL THEN t.amount_fen ELSE -t.amount_fen END), 0)::bigint`.as('s'))
      .where('t.county_code', '=', countyCode)
      .where('t.kind', 'in', f.kinds);
    // A reversal runs the other way: match it by the original's direction.
    if (f.toAccountId) q = q.where((eb) => eb.or([eb.and([eb('t.reversal_of', 'is', null), eb('t.to_account_id', '=', f.toAccountId!)]), eb.and([eb('t.reversal_of', 'is not', null), eb('t.from_account_id', '=', f.toAccountId!)])]));
    if (f.fromAccountId) q = q.where((eb) => eb.or([eb.and([eb('t.reversal_of', 'is', null), eb('t.from_account_id', '=', f.fromAccountId!)]), eb.and([eb('t.reversal_of', 'is not', null), eb('t.to_account_id', '=', f.fromAccountId!)])]));
    if (f.year) q = q.where('t.year', '=', f.year);
    if (f.quarter) q = q.where('t.quarter', '=', f.quarter);
    return Number((await q.executeTakeFirstOrThrow()).s);
  },

  /** Household production loans of a township falling due (maturity) in a period, with the subsidy they would earn. */
  fallingDue(db: DbOrTx, countyCode: string, townshipCode: string, from: string, to: string) {
    return db
      .selectFrom('loan as l')
      .innerJoin('loan_subsidy as s', (j) => j.onRef('s.county_code', '=', 'l.county_code').onRef('s.loan_id', '=', 'l.id'))
      .select(['l.id', 'l.loan_no', 'l.borrower_name', 'l.principal_fen', 'l.disbursed_on', 'l.maturity_date', 's.amount_fen', 's.formula'])
      .where('l.county_code', '=', countyCode)
      .where('l.township_code', '=', townshipCode)
      .where('l.kind', '=', 'household')
      .where('l.status', '=', 'active')
      .where('s.status', '=', 'pending')
      .where('l.maturity_date', '>=', from)
      .where('l.maturity_date', '<=', to)
      .orderBy('l.maturity_date')
      .orderBy('l.id')
      .execute();
  },

  earnedUnpaid(db: DbOrTx, countyCode: string, townshipCode: string, upTo: string) {
    return db
      .selectFrom('loan_subsidy as s')
      .innerJoin('loan as l', (j) => j.onRef('l.county_code', '=', 's.county_code').onRef('l.id', '=', 's.loan_id'))
      .select([sql<number>`coalesce(sum(s.amount_fen), 0)::bigint`.as('fen'), sql<number>`count(*)::int`.as('n')])
      .where('s.county_code', '=', countyCode)
      .where('l.township_code', '=', townshipCode)
      .where('s.payer', '=', 'coop')
      .where('s.status', '=', 'earned')
      .where('s.determined_on', '<=', upTo)
      .executeTakeFirstOrThrow();
  },

  /** A subsidy payment with its loan, if the loan is in the caller's scope. */
  payment(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('loan_subsidy_payment as p')
      .innerJoin('loan as l', (j) => j.onRef('l.county_code', '=', 'p.county_code').onRef('l.id', '=', 'p.loan_id'))
      .select(['p.id', 'p.county_code', 'p.loan_id', 'p.township_code', 'p.payer', 'l.loan_no', 'l.area_code'])
      .where('p.id', '=', id)
      .where(scoped(scope, { area: 'l.area_code', county: 'l.county_code' }))
      .executeTakeFirst();
  },

  /** A township's payments in a period, with roster and reversal. */
  payments(db: DbOrTx, countyCode: string, townshipCode: string, from: string, to: string) {
    return db
      .selectFrom('loan_subsidy_payment as p')
      .innerJoin('loan as l', (j) => j.onRef('l.county_code', '=', 'p.county_code').onRef('l.id', '=', 'p.loan_id'))
      .leftJoin('loan_roster as r', (j) => j.onRef('r.county_code', '=', 'p.county_code').onRef('r.id', '=', 'p.roster_id'))
      .leftJoin('loan_subsidy_payment_reversal as v', (j) => j.onRef('v.county_code', '=', 'p.county_code').onRef('v.payment_id', '=', 'p.id'))
      .select([
        'p.id',
        'p.loan_id',
        'l.loan_no',
        'p.payee_name',
        'p.payer',
        'p.amount_fen',
        'p.paid_on',
        'p.voucher_no',
        'p.roster_id',
        'r.roster_no',
        'p.settlement_id',
        'p.created_by_name',
        'v.id as reversal_id',
        'v.doc_no as reversal_doc_no',
        'v.reason as reversal_reason',
        'v.reversed_on',
        'v.created_by_name as reversal_by_name',
      ])
      .where('p.county_code', '=', countyCode)
      .where('p.township_code', '=', townshipCode)
      .where('p.paid_on', '>=', from)
      .where('p.paid_on', '<=', to)
      .orderBy('p.paid_on')
      .orderBy('p.id')
      .execute();
  },

  paymentsIn(db: DbOrTx, countyCode: string, townshipCode: string, from: string, to: string) {
    return db
      .selectFrom('loan_subsidy_payment')
      .select([sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('fen'), sql<number>`count(*)::int`.as('n')])
      .where('county_code', '=', countyCode)
      .where('township_code', '=', townshipCode)
      .where('payer', '=', 'coop')
      .where('paid_on', '>=', from)
      .where('paid_on', '<=', to)
      .where('reversed_at', 'is', null)
      .executeTakeFirstOrThrow();
  },

  /** An account's balance at the end of a day, from its lines. */
  async balanceAt(db: DbOrTx, countyCode: string, accountId: number, date: string) {
    const r = await db
      .selectFrom('loan_fund_entry')
      .select(sql<number>`coalesce(sum(CASE direction WHEN 'in' THEN amount_fen WHEN 'out' THEN -amount_fen ELSE 0 END), 0)::bigint`.as('b'))
      .where('county_code', '=', countyCode)
      .where('account_id', '=', accountId)
      .where('entry_date', '<=', date)
      .executeTakeFirstOrThrow();
    return Number(r.b);
  },

  insertSettlement(tx: Tx, row: Insertable<LoanSettlementTable>) {
    return tx.insertInto('loan_settlement').values(row).returningAll().executeTakeFirstOrThrow();
  },

  settlements(db: DbOrTx, scope: Scope, f: { countyCode?: string; townshipCode?: string; year?: number }) {
    let q = db
      .selectFrom('loan_settlement as s')
      .leftJoin('area as a', 'a.code', 's.township_code')
      .selectAll('s')
      .select('a.name as township_name')
      .where(scoped(scope, { area: 's.township_code', county: 's.county_code' }));
    if (f.countyCode) q = q.where('s.county_code', '=', f.countyCode);
    if (f.townshipCode) q = q.where('s.township_code', '=', f.townshipCode);
    if (f.year) q = q.where('s.year', '=', f.year);
    return q.orderBy('s.year', 'desc').orderBy('s.quarter', 'desc').orderBy('s.township_code').execute();
  },

  transfers(db: DbOrTx, scope: Scope, f: { countyCode?: string; townshipCode?: string; kind?: TransferRow['kind']; year?: number; quarter?: number }) {
    let q = db
      .selectFrom('loan_fund_transfer as t')
      .innerJoin('loan_fund_account as a', (j) => j.onRef('a.county_code', '=', 't.county_code').onRef('a.id', '=', 't.to_account_id'))
      .leftJoin('loan_fund_account as fa', (j) => j.onRef('fa.county_code', '=', 't.county_code').onRef('fa.id', '=', 't.from_account_id'))
      .selectAll('t')
      .select(['a.name as to_name', 'fa.name as from_name'])
      .where((eb) => eb.or([scoped(scope, { area: 'a.area_code', county: 'a.county_code' })(eb), scoped(scope, { area: 'fa.area_code', county: 'fa.county_code' })(eb)]));
    if (f.countyCode) q = q.where('t.county_code', '=', f.countyCode);
    if (f.townshipCode) q = q.where('t.township_code', '=', f.townshipCode);
    if (f.kind) q = q.where('t.kind', '=', f.kind);
    if (f.year) q = q.where('t.year', '=', f.year);
    if (f.quarter) q = q.where('t.quarter', '=', f.quarter);
    return q.orderBy('t.id', 'desc').limit(500).execute();
  },
};
