import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit';
import type { Db, DbOrTx } from '../../db/db';
import type { LoanSubsidyStatus } from '../../db/schema';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { actorOf, coversCounty, today, yuan } from '../common';
import { loanErrors } from '../errors';
import { loanRepo } from '../lending/repository';
import { SUBSIDY_LABELS } from '../lending/service';
import { quarterEnd, quarterLabel, quarterStart, type Quarter } from '../rules';
import { ACCOUNT_KIND_LABELS, accountFor, postLine, transfer } from './ledger';
import { fundRepo, type AccountRow, type TransferRow } from './repository';

const TRANSFER_LABELS: Record<TransferRow['kind'], string> = { budget: '预算到位', allocation: '拨付', prepayment: '季初预拨', topup: '补拨', refund: '结余退回' };
const ENTRY_LABELS: Record<string, string> = {
  ...TRANSFER_LABELS,
  subsidy_payment: '兑付贴息',
  claim: '提款报账申请',
  reimbursement: '报账核销',
  reversal: '冲销',
};
const OUTCOME_LABELS = { carry_over: '结余结转下季', refund: '结余退回财政所', top_up: '不足部分补拨', balanced: '收支相抵' } as const;
const PAID: LoanSubsidyStatus[] = ['paid', 'settled', 'reimbursed'];

const q = (year: number, quarter: number): Quarter => ({ year, quarter: quarter as Quarter['quarter'] });

async function township(db: DbOrTx, ctx: Ctx, code: string) {
  const t = await db.selectFrom('area').select(['code', 'name', 'level', 'county_code']).where('code', '=', code).executeTakeFirst();
  if (!t || t.level !== 4 || !t.county_code) throw loanErrors.notTownship(code);
  if (!scopeCoversArea(ctx.scope, code)) throw errors.outOfScope('该乡镇');
  return { code: t.code, name: t.name, countyCode: t.county_code };
}

export function accountItem(a: AccountRow & { area_name?: string | null }) {
  return { id: a.id, kind: a.kind, kindLabel: ACCOUNT_KIND_LABELS[a.kind], areaCode: a.area_code, areaName: a.area_name ?? null, name: a.name, balanceFen: a.balance_fen };
}

function transferItem(t: TransferRow & { to_name?: string; from_name?: string | null }) {
  return {
    id: t.id,
    docNo: t.doc_no,
    kind: t.kind,
    kindLabel: (t.reversal_of ? '冲销：' : '') + TRANSFER_LABELS[t.kind],
    townshipCode: t.township_code,
    year: t.year,
    quarter: t.quarter,
    fromName: t.from_name ?? null,
    toName: t.to_name ?? '',
    amountFen: t.amount_fen,
    onDate: t.on_date,
    basis: typeof t.basis === 'string' ? JSON.parse(t.basis) : t.basis,
    note: t.note,
    reversalOf: t.reversal_of,
    createdByName: t.created_by_name,
  };
}

async function audit(tx: Parameters<typeof writeAudit>[0], ctx: Ctx, areaCode: string, countyCode: string, action: string, entityId: number, summary: string, after?: unknown) {
  await writeAudit(tx, ctx, { module: 'loan', action, entity: 'loan_fund_transfer', entityId, areaCode, countyCode, summary, after });
}

export const fundService = {
  async accounts(db: Db, ctx: Ctx, countyCode?: string) {
    return { items: (await fundRepo.accounts(db, ctx.scope, countyCode)).map(accountItem) };
  },

  async entries(db: Db, ctx: Ctx, accountId: number, page: number, pageSize: number) {
    const a = await fundRepo.account(db, ctx.scope, accountId);
    if (!a) throw errors.notFound('专户');
    const r = await fundRepo.entries(db, a.county_code, a.id, page, pageSize);
    return {
      account: accountItem(a),
      items: r.items.map((e) => ({
        id: e.id,
        entryDate: e.entry_date,
        kind: e.kind,
        kindLabel: ENTRY_LABELS[e.kind] ?? e.kind,
        direction: e.direction,
        directionLabel: e.direction === 'in' ? '收入' : e.direction === 'out' ? '支出' : '备查',
        amountFen: e.amount_fen,
        balanceAfterFen: e.balance_after_fen,
        sourceDocType: e.source_doc_type,
        sourceDocId: e.source_doc_id,
        sourceDocNo: e.source_doc_no,
        counterparty: e.counterparty,
        memo: e.memo,
        createdByName: e.created_by_name,
      })),
      total: r.total,
      page,
      pageSize,
    };
  },

  async transfers(db: Db, ctx: Ctx, f: Parameters<typeof fundRepo.transfers>[2]) {
    return { items: (await fundRepo.transfers(db, ctx.scope, f)).map(transferItem) };
  },

  /** 第十五条1: the county finance bureau puts the subsidy funds in place. */
  async budget(db: Db, ctx: Ctx, body: { countyCode: string; amountFen: number; docNo: string; onDate?: string; note?: string }) {
    if (!coversCounty(ctx.scope, body.countyCode)) throw errors.outOfScope('该县');
    const actor = await actorOf(db, ctx);
    const on = body.onDate ?? today();
    return db.transaction().execute(async (tx) => {
      const bureau = await accountFor(tx, body.countyCode, 'bureau', body.countyCode);
      const t = await transfer(tx, actor, { kind: 'budget', docNo: body.docNo, from: null, to: bureau, amountFen: body.amountFen, onDate: on, note: body.note ?? '贴息资金到位' });
      await audit(tx, ctx, body.countyCode, body.countyCode, 'budget', t.id, `贴息资金到位 ${yuan(body.amountFen)}（${body.docNo}）`, { amountFen: body.amountFen });
      return transferItem({ ...t, to_name: bureau.name, from_name: null });
    });
  },

  /**
   * 第十二条5: what each township should receive this quarter, from the lending figures: the
   * subsidy of loans falling due in the quarter plus what is earned and unpaid, less what the
   * finance office and coop already hold.
   */
  async allocationProposal(db: Db, ctx: Ctx, countyCode: string, year: number, quarter: number) {
    if (!coversCounty(ctx.scope, countyCode)) throw errors.outOfScope('该县');
    const quart = q(year, quarter);
    const from = quarterStart(quart);
    const to = quarterEnd(quart);
    const towns = await db.selectFrom('area').select(['code', 'name']).where('county_code', '=', countyCode).where('level', '=', 4).orderBy('sort').orderBy('code').execute();
    const bureau = await fundRepo.findAccount(db, countyCode, 'bureau', countyCode);
    const items = [];
    for (const t of towns) {
      const [due, unpaid, fo, coop, lent] = await Promise.all([
        fundRepo.fallingDue(db, countyCode, t.code, from, to),
        fundRepo.earnedUnpaid(db, countyCode, t.code, to),
        fundRepo.findAccount(db, countyCode, 'finance_office', t.code),
        fundRepo.findAccount(db, countyCode, 'coop', t.code),
        db
          .selectFrom('loan')
          .select([db.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(principal_fen), 0)::bigint`.as('fen')])
          .where('county_code', '=', countyCode)
          .where('township_code', '=', t.code)
          .where('kind', '=', 'household')
          .executeTakeFirstOrThrow(),
      ]);
      const allocated = fo ? await fundRepo.transferredFen(db, countyCode, { kinds: ['allocation'], toAccountId: fo.id, year, quarter }) : 0;
      const dueFen = due.reduce((s, l) => s + l.amount_fen, 0);
      const unpaidFen = Number(unpaid.fen);
      const held = (fo?.balance_fen ?? 0) + (coop?.balance_fen ?? 0);
      items.push({
        townshipCode: t.code,
        townshipName: t.name,
        loansDisbursedCount: Number(lent.n),
        loansDisbursedFen: Number(lent.fen),
        dueSubsidyFen: dueFen,
        earnedUnpaidFen: unpaidFen,
        financeOfficeBalanceFen: fo?.balance_fen ?? 0,
        coopBalanceFen: coop?.balance_fen ?? 0,
        allocatedThisQuarterFen: allocated,
        proposedFen: Math.max(0, dueFen + unpaidFen - held),
      });
    }
    return { countyCode, year, quarter, items, bureauBalanceFen: bureau?.balance_fen ?? 0 };
  },

  async allocate(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number; amountFen: number; docNo: string; onDate?: string; note?: string }) {
    const t = await township(db, ctx, body.townshipCode);
    const actor = await actorOf(db, ctx);
    const on = body.onDate ?? today();
    const proposal = await this.allocationProposal(db, ctx, t.countyCode, body.year, body.quarter);
    const basis = proposal.items.find((i) => i.townshipCode === t.code);
    return db.transaction().execute(async (tx) => {
      const bureau = await accountFor(tx, t.countyCode, 'bureau', t.countyCode);
      const fo = await accountFor(tx, t.countyCode, 'finance_office', t.code);
      const row = await transfer(tx, actor, {
        kind: 'allocation',
        docNo: body.docNo,
        from: bureau,
        to: fo,
        amountFen: body.amountFen,
        onDate: on,
        townshipCode: t.code,
        year: body.year,
        quarter: body.quarter,
        basis,
        note: body.note ?? `${quarterLabel(q(body.year, body.quarter))}贴息资金`,
      });
      await audit(tx, ctx, t.code, t.countyCode, 'allocate', row.id, `向${t.name}财政所拨付${quarterLabel(q(body.year, body.quarter))}贴息资金 ${yuan(body.amountFen)}（${body.docNo}）`, { amountFen: body.amountFen, basis });
      return transferItem({ ...row, to_name: fo.name, from_name: bureau.name });
    });
  },

  /** 第十二条5: the subsidy due on the township's loans falling due in the quarter. */
  async prepaymentPreview(db: Db, ctx: Ctx, townshipCode: string, year: number, quarter: number) {
    const t = await township(db, ctx, townshipCode);
    const quart = q(year, quarter);
    const from = quarterStart(quart);
    const to = quarterEnd(quart);
    const rows = await fundRepo.fallingDue(db, t.countyCode, t.code, from, to);
    const coop = await fundRepo.findAccount(db, t.countyCode, 'coop', t.code);
    const prepaid = coop ? await fundRepo.transferredFen(db, t.countyCode, { kinds: ['prepayment'], toAccountId: coop.id, year, quarter }) : 0;
    const done = await db
      .selectFrom('loan_fund_transfer')
      .select('id')
      .where('county_code', '=', t.countyCode)
      .where('kind', '=', 'prepayment')
      .where('township_code', '=', t.code)
      .where('year', '=', year)
      .where('quarter', '=', quarter)
      .where('reversal_of', 'is', null)
      .executeTakeFirst();
    return {
      townshipCode: t.code,
      year,
      quarter,
      label: quarterLabel(quart),
      from,
      to,
      lines: rows.map((r) => ({
        loanId: r.id,
        loanNo: r.loan_no,
        borrowerName: r.borrower_name,
        principalFen: r.principal_fen,
        disbursedOn: r.disbursed_on,
        maturityDate: r.maturity_date,
        subsidyFen: r.amount_fen,
        formula: r.formula,
      })),
      totalFen: rows.reduce((s, r) => s + r.amount_fen, 0),
      alreadyPrepaid: !!done || prepaid > 0,
    };
  },

  async prepay(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number; docNo: string; onDate?: string }) {
    const preview = await this.prepaymentPreview(db, ctx, body.townshipCode, body.year, body.quarter);
    if (preview.totalFen <= 0) throw errors.badRequest(`${preview.label}没有到期应贴息的贷款，无需预拨`);
    const t = await township(db, ctx, body.townshipCode);
    const actor = await actorOf(db, ctx);
    return db.transaction().execute(async (tx) => {
      const fo = await accountFor(tx, t.countyCode, 'finance_office', t.code);
      const coop = await accountFor(tx, t.countyCode, 'coop', t.code);
      const row = await transfer(tx, actor, {
        kind: 'prepayment',
        docNo: body.docNo,
        from: fo,
        to: coop,
        amountFen: preview.totalFen,
        onDate: body.onDate ?? today(),
        townshipCode: t.code,
        year: body.year,
        quarter: body.quarter,
        basis: { loans: preview.lines.map((l) => ({ loanNo: l.loanNo, maturityDate: l.maturityDate, subsidyFen: l.subsidyFen })) },
        note: `${preview.label}到期贷款 ${preview.lines.length} 笔应付贴息`,
      });
      await audit(tx, ctx, t.code, t.countyCode, 'prepay', row.id, `${t.name}财政所向信用社预拨${preview.label}贴息 ${yuan(preview.totalFen)}（到期贷款 ${preview.lines.length} 笔，${body.docNo}）`, {
        amountFen: preview.totalFen,
      });
      return transferItem({ ...row, to_name: coop.name, from_name: fo.name });
    });
  },

  async topup(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number; amountFen: number; docNo: string; onDate?: string; note?: string }) {
    const t = await township(db, ctx, body.townshipCode);
    const actor = await actorOf(db, ctx);
    return db.transaction().execute(async (tx) => {
      const fo = await accountFor(tx, t.countyCode, 'finance_office', t.code);
      const coop = await accountFor(tx, t.countyCode, 'coop', t.code);
      const row = await transfer(tx, actor, {
        kind: 'topup',
        docNo: body.docNo,
        from: fo,
        to: coop,
        amountFen: body.amountFen,
        onDate: body.onDate ?? today(),
        townshipCode: t.code,
        year: body.year,
        quarter: body.quarter,
        note: body.note ?? '贴息资金补拨',
      });
      await audit(tx, ctx, t.code, t.countyCode, 'topup', row.id, `${t.name}财政所向信用社补拨贴息 ${yuan(body.amountFen)}（${body.docNo}）`, { amountFen: body.amountFen });
      return transferItem({ ...row, to_name: coop.name, from_name: fo.name });
    });
  },

  /**
   * 第十二条5: quarter-end settlement. What the coop held at the quarter's end is set against
   * the subsidy earned by then and not yet paid: a shortfall is topped up, a remainder carried
   * over or refunded. The quarter's payments are marked settled.
   */
  async settle(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number; mode: 'carry_over' | 'refund'; docNo: string; note?: string }) {
    const t = await township(db, ctx, body.townshipCode);
    const quart = q(body.year, body.quarter);
    const label = quarterLabel(quart);
    const from = quarterStart(quart);
    const to = quarterEnd(quart);
    const on = today();
    if (on < to) throw loanErrors.periodNotOver(label);
    const actor = await actorOf(db, ctx);
    return db.transaction().execute(async (tx) => {
      const fo = await accountFor(tx, t.countyCode, 'finance_office', t.code);
      const coop = await accountFor(tx, t.countyCode, 'coop', t.code);
      await fundRepo.lockAccount(tx, coop.county_code, coop.id);
      const exists = await tx.selectFrom('loan_settlement').select('id').where('county_code', '=', t.countyCode).where('township_code', '=', t.code).where('year', '=', body.year).where('quarter', '=', body.quarter).executeTakeFirst();
      if (exists) throw loanErrors.settlementExists(`${t.name}${label}`);
      const balance = await fundRepo.balanceAt(tx, t.countyCode, coop.id, to);
      const prepaid = await fundRepo.transferredFen(tx, t.countyCode, { kinds: ['prepayment', 'topup'], toAccountId: coop.id, year: body.year, quarter: body.quarter });
      const paid = await fundRepo.paymentsIn(tx, t.countyCode, t.code, from, to);
      const unpaid = Number((await fundRepo.earnedUnpaid(tx, t.countyCode, t.code, to)).fen);
      let outcome: 'carry_over' | 'refund' | 'top_up' | 'balanced';
      let amount = 0;
      if (unpaid > balance) {
        outcome = 'top_up';
        amount = unpaid - balance;
      } else {
        amount = balance - unpaid;
        outcome = amount === 0 ? 'balanced' : body.mode;
      }
      let transferRow: TransferRow | null = null;
      if (outcome === 'top_up') {
        transferRow = await transfer(tx, actor, { kind: 'topup', docNo: body.docNo, from: fo, to: coop, amountFen: amount, onDate: on, townshipCode: t.code, year: body.year, quarter: body.quarter, note: `${label}结算补拨` });
      } else if (outcome === 'refund') {
        transferRow = await transfer(tx, actor, { kind: 'refund', docNo: body.docNo, from: coop, to: fo, amountFen: amount, onDate: on, townshipCode: t.code, year: body.year, quarter: body.quarter, note: `${label}结算结余退回` });
      }
      const s = await fundRepo.insertSettlement(tx, {
        county_code: t.countyCode,
        township_code: t.code,
        year: body.year,
        quarter: body.quarter,
        settled_on: on,
        coop_balance_fen: balance,
        prepaid_fen: prepaid,
        paid_fen: Number(paid.fen),
        paid_count: Number(paid.n),
        unpaid_earned_fen: unpaid,
        outcome,
        amount_fen: amount,
        transfer_id: transferRow?.id ?? null,
        note: body.note ?? null,
        created_by: actor.id,
        created_by_name: actor.name,
      });
      // The quarter's payments are settled: their subsidies move on in the ledger keyed by loan.
      const payments = await tx
        .updateTable('loan_subsidy_payment')
        .set({ settlement_id: s.id })
        .where('county_code', '=', t.countyCode)
        .where('township_code', '=', t.code)
        .where('payer', '=', 'coop')
        .where('paid_on', '>=', from)
        .where('paid_on', '<=', to)
        .where('settlement_id', 'is', null)
        .where('reversed_at', 'is', null)
        .returning(['loan_id', 'amount_fen'])
        .execute();
      // Set-based: a township may have thousands of payments in a quarter.
      if (payments.length) {
        const ids = payments.map((p) => p.loan_id);
        await tx.updateTable('loan_subsidy').set({ status: 'settled' }).where('county_code', '=', t.countyCode).where('loan_id', 'in', ids).where('status', '=', 'paid').execute();
        for (let i = 0; i < payments.length; i += 5000) {
          await tx
            .insertInto('loan_subsidy_event')
            .values(payments.slice(i, i + 5000).map((p) => ({ county_code: t.countyCode, loan_id: p.loan_id, on_date: on, event: 'settled' as const, amount_fen: p.amount_fen, document: body.docNo, note: `${label}结算`, actor_name: actor.name })))
            .execute();
        }
      }
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'settle',
        entity: 'loan_settlement',
        entityId: s.id,
        areaCode: t.code,
        countyCode: t.countyCode,
        summary: `${t.name}${label}贴息结算：季末信用社结存 ${yuan(balance)}，已兑付 ${yuan(Number(paid.fen))}（${paid.n} 笔），应付未付 ${yuan(unpaid)}，${OUTCOME_LABELS[outcome]}${amount ? ` ${yuan(amount)}` : ''}`,
        after: { balance, prepaid, paid: Number(paid.fen), unpaid, outcome, amount },
      });
      return settlementItem({ ...s, township_name: t.name });
    });
  },

  async settlements(db: Db, ctx: Ctx, f: Parameters<typeof fundRepo.settlements>[2]) {
    return { items: (await fundRepo.settlements(db, ctx.scope, f)).map(settlementItem) };
  },

  /** A correction is a reversing transfer; the original and its lines stay. */
  async reverseTransfer(db: Db, ctx: Ctx, id: number, body: { docNo: string; reason: string }) {
    const t = await fundRepo.transfer(db, ctx.scope, id);
    if (!t) throw errors.notFound('资金单据');
    if (t.reversal_of) throw loanErrors.alreadyReversed();
    const perm = t.kind === 'budget' || t.kind === 'allocation' ? 'loan:subsidy:finance-bureau' : 'loan:subsidy:finance-office';
    if (!can(ctx, perm)) throw errors.forbidden(perm);
    const settled = await db.selectFrom('loan_settlement').select('id').where('county_code', '=', t.county_code).where('transfer_id', '=', t.id).executeTakeFirst();
    if (settled) throw errors.conflict('该单据由季度结算生成，不能单独冲销');
    const actor = await actorOf(db, ctx);
    return db.transaction().execute(async (tx) => {
      const to = await fundRepo.lockAccount(tx, t.county_code, t.to_account_id);
      const from = t.from_account_id ? await fundRepo.lockAccount(tx, t.county_code, t.from_account_id) : null;
      const row = from
        ? await transfer(tx, actor, { kind: t.kind, docNo: body.docNo, from: to, to: from, amountFen: t.amount_fen, onDate: today(), townshipCode: t.township_code, year: t.year, quarter: t.quarter, note: `冲销 ${t.doc_no}：${body.reason}`, reversalOf: t })
        : await transfer(tx, actor, { kind: t.kind, docNo: body.docNo, from: null, to, amountFen: t.amount_fen, onDate: today(), note: `冲销 ${t.doc_no}：${body.reason}`, reversalOf: t, withdraw: true });
      await audit(tx, ctx, t.township_code ?? t.county_code, t.county_code, 'reverse', row.id, `冲销资金单据 ${t.doc_no}（${TRANSFER_LABELS[t.kind]} ${yuan(t.amount_fen)}）：${body.reason}`, { reversalOf: t.id });
      return transferItem({ ...row, to_name: from?.name ?? to.name, from_name: from ? to.name : null });
    });
  },

  /**
   * 第十二条6 / 第十三条: the coop pays a household its earned subsidy when the loan is repaid
   * (the county finance bureau pays an enterprise). Exactly once: the payment table's unique key
   * on the loan is the guarantee; the ledger line takes it out of the payer's fund.
   */
  async paySubsidy(db: Db, ctx: Ctx, loanId: number, body: { paidOn: string; voucherNo: string }) {
    const loan = await loanRepo.get(db, ctx.scope, loanId);
    if (!loan) throw errors.notFound('贷款');
    const sub = await loanRepo.subsidy(db, loan.county_code, loan.id);
    const perm = sub.payer === 'coop' ? 'loan:disburse' : 'loan:subsidy:finance-bureau';
    if (!can(ctx, perm)) throw loanErrors.wrongPayer(sub.payer === 'coop' ? '乡镇信用社' : '县财政局');
    if (PAID.includes(sub.status)) throw loanErrors.subsidyPaid();
    if (sub.status !== 'earned') throw loanErrors.subsidyState(SUBSIDY_LABELS[sub.status], '兑付');
    // Repaid on the day it was lent: earned, but nothing to pay.
    if (sub.amount_fen <= 0) throw loanErrors.subsidyState('贴息金额为 0', '兑付');
    if (sub.determined_on && body.paidOn < sub.determined_on) throw loanErrors.badDate(`兑付日期不能早于贷款还清日期 ${sub.determined_on}`);
    if (body.paidOn > today()) throw loanErrors.badDate('兑付日期不能晚于今天');
    const actor = await actorOf(db, ctx);
    return db.transaction().execute(async (tx) => {
      const locked = await tx.selectFrom('loan_subsidy').selectAll().where('county_code', '=', loan.county_code).where('loan_id', '=', loan.id).forUpdate().executeTakeFirstOrThrow();
      if (PAID.includes(locked.status)) throw loanErrors.subsidyPaid();
      const payment = await tx
        .insertInto('loan_subsidy_payment')
        .values({
          county_code: loan.county_code,
          loan_id: loan.id,
          township_code: loan.township_code,
          amount_fen: locked.amount_fen,
          paid_on: body.paidOn,
          voucher_no: body.voucherNo,
          payee_name: loan.borrower_name,
          payer: locked.payer,
          created_by: actor.id,
          created_by_name: actor.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.subsidyPaid();
          throw e;
        });
      const account =
        locked.payer === 'coop' ? await accountFor(tx, loan.county_code, 'coop', loan.township_code!) : await accountFor(tx, loan.county_code, 'bureau', loan.county_code);
      const balance = await postLine(tx, actor, {
        account,
        kind: 'subsidy_payment',
        direction: 'out',
        amountFen: locked.amount_fen,
        date: body.paidOn,
        doc: { type: 'subsidy_payment', id: payment.id, no: body.voucherNo },
        counterparty: loan.borrower_name,
        memo: `贷款 ${loan.loan_no} 贴息：${locked.formula}`,
      });
      await tx.updateTable('loan_subsidy').set({ status: 'paid', version: locked.version + 1 }).where('county_code', '=', loan.county_code).where('loan_id', '=', loan.id).execute();
      await loanRepo.subsidyEvent(tx, { county_code: loan.county_code, loan_id: loan.id, on_date: body.paidOn, event: 'paid', amount_fen: locked.amount_fen, document: body.voucherNo, note: locked.formula, actor_name: actor.name });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'pay_subsidy',
        entity: 'loan',
        entityId: loan.id,
        areaCode: loan.area_code,
        countyCode: loan.county_code,
        summary: `向 ${loan.borrower_name} 兑付贷款 ${loan.loan_no} 贴息 ${yuan(locked.amount_fen)}（${locked.formula}，凭证 ${body.voucherNo}）`,
        after: { amountFen: locked.amount_fen, voucherNo: body.voucherNo },
      });
      return { paymentId: payment.id, loanId: loan.id, amountFen: locked.amount_fen, paidOn: body.paidOn, voucherNo: body.voucherNo, accountName: account.name, balanceAfterFen: balance, formula: locked.formula };
    });
  },

  /** A township's subsidy payments of a quarter, reversed ones included (with their reversal). */
  async payments(db: Db, ctx: Ctx, townshipCode: string, year: number, quarter: number) {
    const t = await township(db, ctx, townshipCode);
    const quart = q(year, quarter);
    const rows = await fundRepo.payments(db, t.countyCode, t.code, quarterStart(quart), quarterEnd(quart));
    return {
      items: rows.map((p) => ({
        id: p.id,
        loanId: p.loan_id,
        loanNo: p.loan_no,
        payeeName: p.payee_name,
        payer: p.payer,
        amountFen: p.amount_fen,
        paidOn: p.paid_on,
        voucherNo: p.voucher_no,
        rosterId: p.roster_id,
        rosterNo: p.roster_no,
        settled: p.settlement_id !== null,
        createdByName: p.created_by_name,
        reversal: p.reversal_id
          ? { id: p.reversal_id, docNo: p.reversal_doc_no!, reason: p.reversal_reason!, reversedOn: p.reversed_on!, createdByName: p.reversal_by_name }
          : null,
      })),
    };
  },

  /**
   * Corrects a subsidy payment by reversing it: the payment and its line stay, a reversal row
   * (who, when, why, voucher) and a line putting the money back into the payer's fund are
   * added, and the subsidy is earned-but-unpaid again, so it can be paid again — once. A payment
   * already on a filed roster is refused: the roster (and any claim on it) was signed and sent
   * with it, so the correction belongs on the next roster (docs/loans.md §4).
   */
  async reversePayment(db: Db, ctx: Ctx, paymentId: number, body: { docNo: string; reason: string }) {
    const p = await fundRepo.payment(db, ctx.scope, paymentId);
    if (!p) throw errors.notFound('贴息兑付记录');
    const perm = p.payer === 'coop' ? 'loan:disburse' : 'loan:subsidy:finance-bureau';
    if (!can(ctx, perm)) throw loanErrors.wrongPayer(p.payer === 'coop' ? '乡镇信用社' : '县财政局');
    const actor = await actorOf(db, ctx);
    const on = today();
    return db.transaction().execute(async (tx) => {
      // Same lock as roster filing, so a payment cannot be put on a roster while it is reversed.
      if (p.township_code) await sql`SELECT pg_advisory_xact_lock(hashtext(${`loan-roster:${p.township_code}`}))`.execute(tx);
      // The subsidy row first, in the same order as a payment, so the two cannot deadlock.
      const sub = await tx.selectFrom('loan_subsidy').selectAll().where('county_code', '=', p.county_code).where('loan_id', '=', p.loan_id).forUpdate().executeTakeFirstOrThrow();
      const cur = await tx.selectFrom('loan_subsidy_payment').selectAll().where('county_code', '=', p.county_code).where('id', '=', p.id).forUpdate().executeTakeFirstOrThrow();
      if (cur.reversed_at) throw loanErrors.paymentReversed();
      if (cur.roster_id !== null) {
        const roster = await tx.selectFrom('loan_roster').select('roster_no').where('county_code', '=', p.county_code).where('id', '=', cur.roster_id).executeTakeFirst();
        throw loanErrors.paymentOnRoster(roster?.roster_no ?? String(cur.roster_id));
      }
      const rev = await tx
        .insertInto('loan_subsidy_payment_reversal')
        .values({
          county_code: p.county_code,
          payment_id: p.id,
          loan_id: p.loan_id,
          doc_no: body.docNo,
          reason: body.reason,
          reversed_on: on,
          amount_fen: cur.amount_fen,
          created_by: actor.id,
          created_by_name: actor.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.paymentReversed();
          throw e;
        });
      await tx.updateTable('loan_subsidy_payment').set({ reversed_at: new Date() }).where('county_code', '=', p.county_code).where('id', '=', p.id).execute();
      const account = cur.payer === 'coop' ? await accountFor(tx, p.county_code, 'coop', cur.township_code!) : await accountFor(tx, p.county_code, 'bureau', p.county_code);
      const balance = await postLine(tx, actor, {
        account,
        kind: 'reversal',
        direction: 'in',
        amountFen: cur.amount_fen,
        date: on,
        doc: { type: 'subsidy_payment_reversal', id: rev.id, no: body.docNo },
        counterparty: cur.payee_name,
        memo: `冲销贷款 ${p.loan_no} 贴息兑付（凭证 ${cur.voucher_no}）：${body.reason}`,
      });
      // Only this payment's own state is undone; a subsidy decided otherwise since is left alone.
      const status = PAID.includes(sub.status) ? 'earned' : sub.status;
      await tx.updateTable('loan_subsidy').set({ status, version: sub.version + 1 }).where('county_code', '=', p.county_code).where('loan_id', '=', p.loan_id).execute();
      await loanRepo.subsidyEvent(tx, {
        county_code: p.county_code,
        loan_id: p.loan_id,
        on_date: on,
        event: 'reopened',
        amount_fen: cur.amount_fen,
        document: body.docNo,
        note: `冲销兑付（凭证 ${cur.voucher_no}）：${body.reason}`,
        actor_name: actor.name,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'reverse_subsidy_payment',
        entity: 'loan',
        entityId: p.loan_id,
        areaCode: p.area_code,
        countyCode: p.county_code,
        summary: `冲销向 ${cur.payee_name} 兑付的贷款 ${p.loan_no} 贴息 ${yuan(cur.amount_fen)}（原凭证 ${cur.voucher_no}，冲销单据 ${body.docNo}）：${body.reason}`,
        before: { paymentId: p.id, status: sub.status, amountFen: cur.amount_fen, voucherNo: cur.voucher_no },
        after: { reversalId: rev.id, status, docNo: body.docNo, reason: body.reason },
      });
      return { reversalId: rev.id, paymentId: p.id, loanId: p.loan_id, amountFen: cur.amount_fen, reversedOn: on, docNo: body.docNo, accountName: account.name, balanceAfterFen: balance, subsidyStatus: status };
    });
  },

  /**
   * Balances reconcile at every level: each account equals the sum of its lines; what the
   * bureau allocated to a township equals what its finance office and coop hold plus what the
   * coop paid out to farmers; payment lines equal the payments.
   */
  async reconcile(db: Db, ctx: Ctx, countyCode: string) {
    if (!coversCounty(ctx.scope, countyCode) && ctx.scope.kind !== 'areas') throw errors.outOfScope('该县');
    const rows = await fundRepo.ledgerCheck(db, ctx.scope, countyCode);
    const accounts = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      areaCode: r.area_code,
      balanceFen: r.balance_fen,
      linesFen: Number(r.lines_fen),
      inFen: Number(r.in_fen),
      outFen: Number(r.out_fen),
      ok: r.balance_fen === Number(r.lines_fen),
    }));
    const towns = [...new Set(rows.filter((r) => r.kind !== 'bureau').map((r) => r.area_code))];
    const townships = [];
    for (const code of towns) {
      const fo = rows.find((r) => r.kind === 'finance_office' && r.area_code === code);
      const coop = rows.find((r) => r.kind === 'coop' && r.area_code === code);
      const allocated = fo ? await fundRepo.transferredFen(db, countyCode, { kinds: ['allocation'], toAccountId: fo.id }) : 0;
      const paid = Number(
        (
          await db
            .selectFrom('loan_subsidy_payment')
            .select(sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('s'))
            .where('county_code', '=', countyCode)
            .where('township_code', '=', code)
            .where('payer', '=', 'coop')
            .where('reversed_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).s,
      );
      const foBal = fo?.balance_fen ?? 0;
      const coopBal = coop?.balance_fen ?? 0;
      townships.push({ townshipCode: code, allocatedFen: allocated, financeOfficeBalanceFen: foBal, coopBalanceFen: coopBal, paidToFarmersFen: paid, ok: allocated === foBal + coopBal + paid });
    }
    // Payment lines less the lines that reversed them, against the payments still in force.
    const sumLines = async (kind: 'coop' | 'bureau') =>
      Number(
        (
          await db
            .selectFrom('loan_fund_entry as e')
            .innerJoin('loan_fund_account as a', (j) => j.onRef('a.county_code', '=', 'e.county_code').onRef('a.id', '=', 'e.account_id'))
            .select(
              sql<number>`coalesce(sum(CASE WHEN e.kind = 'subsidy_payment' THEN e.amount_fen WHEN e.source_doc_type = 'subsidy_payment_reversal' THEN -e.amount_fen ELSE 0 END), 0)::bigint`.as('s'),
            )
            .where('e.county_code', '=', countyCode)
            .where('a.kind', '=', kind)
            .where((w) => w.or([w('e.kind', '=', 'subsidy_payment'), w('e.source_doc_type', '=', 'subsidy_payment_reversal')]))
            .executeTakeFirstOrThrow()
        ).s,
      );
    const sumPayments = async (payer: 'coop' | 'finance_bureau') =>
      Number(
        (
          await db
            .selectFrom('loan_subsidy_payment')
            .select(sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('s'))
            .where('county_code', '=', countyCode)
            .where('payer', '=', payer)
            .where('reversed_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).s,
      );
    const [coopLines, coopPays, bureauLines, bureauPays] = await Promise.all([sumLines('coop'), sumPayments('coop'), sumLines('bureau'), sumPayments('finance_bureau')]);
    const payments = { coopLinesFen: coopLines, coopPaymentsFen: coopPays, bureauLinesFen: bureauLines, bureauPaymentsFen: bureauPays, ok: coopLines === coopPays && bureauLines === bureauPays };
    return {
      countyCode,
      ok: accounts.every((a) => a.ok) && townships.every((t) => t.ok) && payments.ok,
      accounts,
      townships,
      payments,
      explanation: '每个专户余额 = 其全部收支明细之和；拨付给乡镇的资金 = 财政所余额 + 信用社余额 + 已兑付农户的贴息；兑付明细 = 贴息兑付记录。',
    };
  },
};

export function settlementItem(s: {
  id: number;
  township_code: string;
  township_name?: string | null;
  year: number;
  quarter: number;
  settled_on: string;
  coop_balance_fen: number;
  prepaid_fen: number;
  paid_fen: number;
  paid_count: number;
  unpaid_earned_fen: number;
  outcome: keyof typeof OUTCOME_LABELS;
  amount_fen: number;
  transfer_id: number | null;
  created_by_name: string | null;
}) {
  const label = quarterLabel(q(s.year, s.quarter));
  return {
    id: s.id,
    townshipCode: s.township_code,
    townshipName: s.township_name ?? null,
    year: s.year,
    quarter: s.quarter,
    label,
    settledOn: s.settled_on,
    coopBalanceFen: s.coop_balance_fen,
    prepaidFen: s.prepaid_fen,
    paidFen: s.paid_fen,
    paidCount: s.paid_count,
    unpaidEarnedFen: s.unpaid_earned_fen,
    outcome: s.outcome,
    outcomeLabel: OUTCOME_LABELS[s.outcome],
    amountFen: s.amount_fen,
    transferId: s.transfer_id,
    explanation: `季末信用社贴息资金结存 ${yuan(s.coop_balance_fen)}（本季预拨及补拨 ${yuan(s.prepaid_fen)}，已兑付 ${s.paid_count} 笔 ${yuan(s.paid_fen)}），应付未付 ${yuan(s.unpaid_earned_fen)}：${OUTCOME_LABELS[s.outcome]}${s.amount_fen ? ` ${yuan(s.amount_fen)}` : ''}`,
    createdByName: s.created_by_name,
  };
}
