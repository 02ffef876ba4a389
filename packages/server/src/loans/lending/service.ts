import type { WorkingCalendar } from '@fupin/shared/calendar';
import { writeAudit } from '../../audit/audit';
import type { Db, Tx } from '../../db/db';
import type { LoanSubsidyStatus } from '../../db/schema';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { appRepo } from '../applications/repository';
import { actorOf, iso, loanCalendar, nextNumber, today, yuan, type Actor } from '../common';
import { loanErrors } from '../errors';
import {
  addMonths,
  AGEING_BUCKETS,
  ageingBucket,
  buildSchedule,
  computeSubsidy,
  evaluateLoan,
  LIFECYCLE_LABELS,
  loanStatusAfter,
  subsidyFormula,
  validateSchedule,
  type Instalment,
  type LoanEvaluation,
  type SubsidyLine,
} from '../rules';
import { paramsOf, schemeRepo } from '../schemes/repository';
import { loanRepo, type LoanRow } from './repository';
import type { DisburseBody, RepaymentBody } from './schemas';

export const SUBSIDY_LABELS: Record<LoanSubsidyStatus, string> = {
  not_applicable: '不贴息（非生产性）',
  pending: '待还款（预计）',
  earned: '应兑付',
  forfeited: '逾期不贴息',
  paid: '已兑付',
  settled: '已结算',
  reimbursed: '已报账',
};
const EVENT_LABELS: Record<string, string> = {
  due: '放款，贴息预计',
  earned: '按期还清，贴息应兑付',
  forfeited: '逾期，不予贴息',
  reopened: '还款冲销，贴息重新待定',
  paid: '贴息已兑付',
  settled: '季度结算',
  reimbursed: '已报账',
  not_applicable: '非生产性贷款，不贴息',
};
const PAID_STATES: LoanSubsidyStatus[] = ['paid', 'settled', 'reimbursed'];

type LoanStatusLike = { status: LoanRow['status']; first_unpaid_grace_on: string | null; first_unpaid_due_on: string | null };

export function loanLifecycle(r: LoanStatusLike, on: string) {
  if (r.status === 'active' && r.first_unpaid_grace_on && r.first_unpaid_grace_on < on) return 'overdue' as const;
  return r.status;
}

export function daysOverdueOf(r: LoanStatusLike, on: string) {
  if (loanLifecycle(r, on) !== 'overdue' || !r.first_unpaid_due_on) return 0;
  return Math.round((Date.parse(on) - Date.parse(r.first_unpaid_due_on)) / 86_400_000);
}

export function toLoanItem(r: LoanRow, on: string) {
  const life = loanLifecycle(r, on);
  const days = daysOverdueOf(r, on);
  return {
    id: r.id,
    loanNo: r.loan_no,
    applicationId: r.application_id,
    kind: r.kind,
    year: r.year,
    schemeId: r.scheme_id,
    origin: r.origin,
    areaCode: r.area_code,
    areaName: r.area_name,
    townshipCode: r.township_code,
    townshipName: r.township_name,
    householdId: r.household_id,
    borrowerName: r.borrower_name,
    industry: r.industry,
    industryLabel: r.industry_label ?? r.industry,
    production: r.production,
    principalFen: r.principal_fen,
    coopRateBp: r.coop_rate_bp,
    termMonths: r.term_months,
    contractNo: r.contract_no,
    contractDate: r.contract_date,
    disbursedOn: r.disbursed_on,
    maturityDate: r.maturity_date,
    scheduleKind: r.schedule_kind,
    status: r.status,
    lifecycleStatus: life,
    lifecycleLabel: LIFECYCLE_LABELS[life],
    repaidFen: r.repaid_fen,
    outstandingFen: r.outstanding_fen,
    daysOverdue: days,
    ageingBucket: ageingBucket(days),
    closedOn: r.closed_on,
    subsidyStatus: r.subsidy_status,
    subsidyFen: Number(r.subsidy_fen),
    version: r.version,
  };
}

/** Household loans are lent and collected by the township coop; enterprise loans by the county credit union (第十三条). */
function assertLender(ctx: Ctx, actor: Actor, kind: 'household' | 'enterprise') {
  if (can(ctx, 'loan:disburse')) return;
  if (kind === 'enterprise' && can(ctx, 'loan:review:county') && actor.orgKind === 'credit_union') return;
  throw errors.forbidden('loan:disburse');
}

const effective = <T extends { id: number; reversal_of: number | null }>(rows: T[]) => {
  const reversed = new Set(rows.filter((r) => r.reversal_of !== null).map((r) => r.reversal_of));
  return rows.filter((r) => r.reversal_of === null && !reversed.has(r.id));
};

/**
 * Re-derives a loan's state from its schedule and repayments (the repayments are the truth;
 * everything else follows): instalments, status, arrears, and the subsidy with its ledger event.
 */
export async function recompute(tx: Tx, loan: { county_code: string; id: number }, on: string, actorName: string, cal: WorkingCalendar, document?: string) {
  const l = await loanRepo.lock(tx, loan.county_code, loan.id);
  const [inst, reps, sub] = await Promise.all([
    loanRepo.instalments(tx, l.county_code, l.id),
    loanRepo.repayments(tx, l.county_code, l.id),
    loanRepo.subsidy(tx, l.county_code, l.id),
  ]);
  const schedule: Instalment[] = inst.map((i) => ({ seq: i.seq, dueDate: i.due_date, principalFen: i.principal_fen }));
  const ev: LoanEvaluation = evaluateLoan({
    schedule,
    repayments: effective(reps).map((r) => ({ id: r.id, paidOn: r.paid_on, principalFen: r.principal_fen })),
    asOf: on,
    cal,
  });
  for (const i of ev.instalments) {
    const old = inst.find((x) => x.seq === i.seq)!;
    if (old.paid_fen !== i.paidFen || old.paid_off_on !== i.paidOffOn || old.late !== i.late) {
      await loanRepo.updateInstalment(tx, l.county_code, l.id, i.seq, { paid_fen: i.paidFen, paid_off_on: i.paidOffOn, late: i.late });
    }
  }
  const writtenOff = l.status === 'written_off';
  const firstUnpaid = ev.instalments.find((i) => i.paidFen < i.principalFen);
  const status = writtenOff ? 'written_off' : loanStatusAfter(ev);
  await loanRepo.update(tx, l.county_code, l.id, {
    repaid_fen: ev.repaidFen,
    outstanding_fen: ev.outstandingFen,
    first_unpaid_due_on: firstUnpaid?.dueDate ?? null,
    first_unpaid_grace_on: firstUnpaid?.graceDate ?? null,
    any_late: ev.anyLate,
    status,
    closed_on: writtenOff ? l.closed_on : ev.closedOn,
  });

  // Imported loans' subsidies were settled under the old process: never computed here.
  if (PAID_STATES.includes(sub.status) || l.origin === 'imported' || l.scheme_id === null) return { ev, status, subsidy: sub.status };
  const scheme = await schemeRepo.byId(tx, l.county_code, l.scheme_id);
  const outcome = computeSubsidy({ production: l.production, writtenOff, scheme: paramsOf(scheme), disbursedOn: l.disbursed_on, evaluation: ev });
  const determined = outcome.status === 'earned' || outcome.status === 'forfeited' ? (ev.closedOn ?? on) : null;
  const formula = subsidyFormula(outcome.lines as SubsidyLine[]);
  if (sub.status !== outcome.status || sub.amount_fen !== outcome.amountFen || sub.formula !== formula) {
    await loanRepo.updateSubsidy(tx, l.county_code, l.id, {
      status: outcome.status,
      amount_fen: outcome.amountFen,
      lines: JSON.stringify(outcome.lines),
      formula,
      reason: outcome.reason,
      determined_on: determined,
    });
  }
  if (sub.status !== outcome.status) {
    const event = outcome.status === 'pending' ? 'reopened' : outcome.status;
    await loanRepo.subsidyEvent(tx, {
      county_code: l.county_code,
      loan_id: l.id,
      on_date: on,
      event: event as 'earned' | 'forfeited' | 'reopened' | 'not_applicable',
      amount_fen: outcome.amountFen,
      document: document ?? null,
      note: outcome.reason,
      actor_name: actorName,
    });
  }
  return { ev, status, subsidy: outcome.status };
}

async function load(db: Db, ctx: Ctx, id: number) {
  const r = await loanRepo.get(db, ctx.scope, id);
  if (!r) throw errors.notFound('贷款');
  return r;
}

export const lendingService = {
  /** Contract and disbursement of an approved application, with its repayment schedule. */
  async disburse(db: Db, ctx: Ctx, applicationId: number, body: DisburseBody) {
    const app = await appRepo.get(db, ctx.scope, applicationId);
    if (!app) throw errors.notFound('贷款申请');
    const actor = await actorOf(db, ctx);
    assertLender(ctx, actor, app.kind);
    if (app.loan_id) throw loanErrors.alreadyDisbursed(String(app.loan_id));
    if (app.version !== body.version) throw loanErrors.stale('贷款申请');
    if (app.status !== 'approved') throw loanErrors.applicationState(app.status, '放款');
    const principal = body.principalFen ?? app.amount_fen;
    const term = body.termMonths ?? app.term_months;
    if (principal > app.amount_fen) throw loanErrors.overApproved(`放款金额 ${yuan(principal)} 超过批准金额 ${yuan(app.amount_fen)}`);
    if (term > app.term_months) throw loanErrors.overApproved(`贷款期限 ${term} 个月超过批准的 ${app.term_months} 个月`);
    const on = today();
    if (body.disbursedOn < body.contractDate) throw loanErrors.badDate('放款日期不能早于合同日期');
    if (body.disbursedOn > on) throw loanErrors.badDate('放款日期不能晚于今天');
    if (app.decided_on && body.disbursedOn < app.decided_on) throw loanErrors.badDate(`放款日期不能早于批准日期 ${app.decided_on}`);
    const maturity = addMonths(body.disbursedOn, term);
    let schedule: Instalment[];
    try {
      if (body.schedule === 'bullet') schedule = buildSchedule({ principalFen: principal, disbursedOn: body.disbursedOn, termMonths: term, kind: 'bullet' });
      else if (body.instalments) {
        schedule = [...body.instalments].sort((a, b) => (a.dueDate < b.dueDate ? -1 : 1)).map((i, k) => ({ seq: k + 1, ...i }));
        const problem = validateSchedule(schedule, principal, body.disbursedOn, maturity);
        if (problem) throw new RangeError(problem);
      } else {
        schedule = buildSchedule({ principalFen: principal, disbursedOn: body.disbursedOn, termMonths: term, kind: 'instalments', count: body.instalmentCount ?? 0 });
      }
    } catch (e) {
      if (e instanceof RangeError) throw loanErrors.badSchedule(e.message);
      throw e;
    }
    const cal = await loanCalendar(db);
    const scheme = await schemeRepo.byId(db, app.county_code, app.scheme_id);
    const params = paramsOf(scheme);
    const ev = evaluateLoan({ schedule, repayments: [], asOf: body.disbursedOn, cal });
    const estimate = computeSubsidy({ production: app.production, writtenOff: false, scheme: params, disbursedOn: body.disbursedOn, evaluation: ev });
    const id = await db.transaction().execute(async (tx) => {
      const loanNo = await nextNumber(tx, app.county_code, 'DK', app.year);
      const loan = await loanRepo
        .insert(tx, {
          county_code: app.county_code,
          loan_no: loanNo,
          application_id: app.id,
          kind: app.kind,
          scheme_id: app.scheme_id,
          year: app.year,
          area_code: app.area_code,
          township_code: app.township_code,
          household_id: app.household_id,
          borrower_name: app.borrower_name,
          industry: app.industry,
          production: app.production,
          principal_fen: principal,
          coop_rate_bp: body.coopRateBp,
          term_months: term,
          contract_no: body.contractNo,
          contract_date: body.contractDate,
          disbursed_on: body.disbursedOn,
          maturity_date: maturity,
          schedule_kind: body.schedule,
          outstanding_fen: principal,
          first_unpaid_due_on: schedule[0].dueDate,
          first_unpaid_grace_on: ev.instalments[0].graceDate,
          lender_org_name: actor.orgName,
          created_by: actor.id,
          created_by_name: actor.name,
        })
        .catch((e: { code?: string; constraint?: string }) => {
          if (e.code === '23505' && e.constraint?.includes('contract_no')) throw errors.conflict(`合同编号 ${body.contractNo} 已被使用`);
          if (e.code === '23505') throw loanErrors.alreadyDisbursed(app.app_no);
          throw e;
        });
      await loanRepo.insertInstalments(
        tx,
        ev.instalments.map((i) => ({ county_code: app.county_code, loan_id: loan.id, seq: i.seq, due_date: i.dueDate, grace_date: i.graceDate, principal_fen: i.principalFen })),
      );
      await loanRepo.insertSubsidy(tx, {
        county_code: app.county_code,
        loan_id: loan.id,
        status: estimate.status,
        payer: app.kind === 'household' ? 'coop' : 'finance_bureau',
        rate_bp: params.subsidyRateBp,
        day_count_basis: params.dayCountBasis,
        amount_fen: estimate.amountFen,
        lines: JSON.stringify(estimate.lines),
        formula: subsidyFormula(estimate.lines as SubsidyLine[]),
        reason: estimate.reason,
      });
      await loanRepo.subsidyEvent(tx, {
        county_code: app.county_code,
        loan_id: loan.id,
        on_date: on,
        event: estimate.status === 'not_applicable' ? 'not_applicable' : 'due',
        amount_fen: estimate.amountFen,
        document: body.contractNo,
        note: estimate.reason,
        actor_name: actor.name,
      });
      const ok = await appRepo.update(tx, app.county_code, app.id, body.version, { loan_id: loan.id });
      if (!ok) throw loanErrors.stale('贷款申请');
      await appRepo.event(tx, {
        county_code: app.county_code,
        application_id: app.id,
        on_date: on,
        action: 'disburse',
        from_status: 'approved',
        to_status: 'approved',
        opinion: `放款 ${yuan(principal)}，合同 ${body.contractNo}，贷款编号 ${loanNo}`,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'disburse',
        entity: 'loan',
        entityId: loan.id,
        areaCode: app.area_code,
        countyCode: app.county_code,
        summary: `向 ${app.borrower_name} 发放贷款 ${loanNo}：${yuan(principal)}，${term} 个月，年利率 ${(body.coopRateBp / 100).toFixed(2)}%，${body.schedule === 'bullet' ? '到期一次还本' : `分 ${schedule.length} 期还款`}，到期日 ${maturity}`,
        after: { loanNo, principal, term, maturity, schedule },
      });
      return loan.id;
    });
    return this.get(db, ctx, id);
  },

  async list(db: Db, ctx: Ctx, q: Parameters<typeof loanRepo.list>[3]) {
    const on = today();
    const r = await loanRepo.list(db, ctx.scope, on, q);
    return { items: r.items.map((i) => toLoanItem(i, on)), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const r = await load(db, ctx, id);
    const on = today();
    const [inst, reps, sub, events] = await Promise.all([
      loanRepo.instalments(db, r.county_code, r.id),
      loanRepo.repayments(db, r.county_code, r.id),
      loanRepo.subsidy(db, r.county_code, r.id),
      loanRepo.subsidyEvents(db, r.county_code, r.id),
    ]);
    const reversed = new Set(reps.filter((x) => x.reversal_of !== null).map((x) => x.reversal_of));
    return {
      ...toLoanItem(r, on),
      lenderOrgName: r.lender_org_name,
      writeOffReason: r.write_off_reason,
      instalments: inst.map((i) => ({ seq: i.seq, dueDate: i.due_date, graceDate: i.grace_date, principalFen: i.principal_fen, paidFen: i.paid_fen, paidOffOn: i.paid_off_on, late: i.late })),
      repayments: reps.map((x) => ({
        id: x.id,
        paidOn: x.paid_on,
        principalFen: x.principal_fen,
        interestFen: x.interest_fen,
        receiptNo: x.receipt_no,
        note: x.note,
        reversalOf: x.reversal_of,
        reversed: reversed.has(x.id),
        createdByName: x.created_by_name,
      })),
      subsidy: {
        status: sub.status,
        statusLabel: SUBSIDY_LABELS[sub.status],
        payer: sub.payer,
        payerLabel: sub.payer === 'coop' ? '乡镇信用社' : '县财政局',
        rateBp: sub.rate_bp,
        dayCountBasis: sub.day_count_basis,
        amountFen: sub.amount_fen,
        lines: (typeof sub.lines === 'string' ? JSON.parse(sub.lines) : sub.lines) as SubsidyLine[],
        formula: sub.formula,
        reason: sub.reason,
        determinedOn: sub.determined_on,
        version: sub.version,
      },
      subsidyEvents: events.map((e) => ({
        at: iso(e.at),
        onDate: e.on_date,
        event: e.event,
        eventLabel: EVENT_LABELS[e.event] ?? e.event,
        amountFen: e.amount_fen,
        document: e.document,
        note: e.note,
        actorName: e.actor_name,
      })),
    };
  },

  async repay(db: Db, ctx: Ctx, id: number, body: RepaymentBody) {
    const cur = await load(db, ctx, id);
    const actor = await actorOf(db, ctx);
    assertLender(ctx, actor, cur.kind);
    if (body.version !== undefined && body.version !== cur.version) throw loanErrors.stale('贷款');
    if (cur.status !== 'active') throw loanErrors.loanState(LIFECYCLE_LABELS[cur.status], '登记还款');
    const on = today();
    if (body.paidOn < cur.disbursed_on) throw loanErrors.badDate(`还款日期不能早于放款日期 ${cur.disbursed_on}`);
    if (body.paidOn > on) throw loanErrors.badDate('还款日期不能晚于今天');
    const cal = await loanCalendar(db);
    await db.transaction().execute(async (tx) => {
      const l = await loanRepo.lock(tx, cur.county_code, cur.id);
      if (l.status !== 'active') throw loanErrors.loanState(LIFECYCLE_LABELS[l.status], '登记还款');
      if (body.principalFen > l.outstanding_fen) throw loanErrors.overRepay(yuan(l.outstanding_fen));
      const rep = await loanRepo.insertRepayment(tx, {
        county_code: l.county_code,
        loan_id: l.id,
        paid_on: body.paidOn,
        principal_fen: body.principalFen,
        interest_fen: body.interestFen ?? 0,
        receipt_no: body.receiptNo ?? null,
        note: body.note ?? null,
        created_by: actor.id,
        created_by_name: actor.name,
      });
      const r = await recompute(tx, l, on, actor.name, cal, body.receiptNo ?? `还款 ${rep.id}`);
      const closing = r.status !== 'active' ? `，贷款${LIFECYCLE_LABELS[r.status]}` : '';
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'repay',
        entity: 'loan',
        entityId: l.id,
        areaCode: l.area_code,
        countyCode: l.county_code,
        summary: `收回 ${l.borrower_name} 贷款 ${l.loan_no} 本金 ${yuan(body.principalFen)}（${body.paidOn}）${closing}`,
        before: { outstandingFen: l.outstanding_fen, status: l.status },
        after: { outstandingFen: r.ev.outstandingFen, status: r.status, subsidy: r.subsidy },
      });
    });
    return this.get(db, ctx, id);
  },

  /** A correction: a reversal row that cancels the repayment, never an edit or a delete. */
  async reverse(db: Db, ctx: Ctx, id: number, repaymentId: number, reason: string) {
    const cur = await load(db, ctx, id);
    const actor = await actorOf(db, ctx);
    assertLender(ctx, actor, cur.kind);
    const on = today();
    const cal = await loanCalendar(db);
    await db.transaction().execute(async (tx) => {
      const l = await loanRepo.lock(tx, cur.county_code, cur.id);
      const sub = await loanRepo.subsidy(tx, l.county_code, l.id);
      if (PAID_STATES.includes(sub.status)) throw loanErrors.cannotReverse('该贷款的贴息已兑付');
      if (l.status === 'written_off') throw loanErrors.cannotReverse('贷款已核销');
      const reps = await loanRepo.repayments(tx, l.county_code, l.id);
      const target = reps.find((r) => r.id === repaymentId);
      if (!target) throw errors.notFound('还款记录');
      if (target.reversal_of !== null) throw loanErrors.cannotReverse('这是一笔冲销记录');
      if (reps.some((r) => r.reversal_of === target.id)) throw loanErrors.cannotReverse('已冲销过');
      await loanRepo
        .insertRepayment(tx, {
          county_code: l.county_code,
          loan_id: l.id,
          paid_on: on,
          principal_fen: -target.principal_fen,
          interest_fen: 0,
          receipt_no: target.receipt_no,
          reversal_of: target.id,
          note: reason,
          created_by: actor.id,
          created_by_name: actor.name,
        })
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.cannotReverse('已冲销过');
          throw e;
        });
      const r = await recompute(tx, l, on, actor.name, cal, `冲销还款 ${target.id}`);
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'reverse_repayment',
        entity: 'loan',
        entityId: l.id,
        areaCode: l.area_code,
        countyCode: l.county_code,
        summary: `冲销贷款 ${l.loan_no} 的还款（${target.paid_on}，${yuan(target.principal_fen)}）：${reason}`,
        before: { outstandingFen: l.outstanding_fen, status: l.status },
        after: { outstandingFen: r.ev.outstandingFen, status: r.status },
      });
    });
    return this.get(db, ctx, id);
  },

  async writeOff(db: Db, ctx: Ctx, id: number, body: { version: number; reason: string }) {
    const cur = await load(db, ctx, id);
    const actor = await actorOf(db, ctx);
    assertLender(ctx, actor, cur.kind);
    if (body.version !== cur.version) throw loanErrors.stale('贷款');
    if (cur.status !== 'active') throw loanErrors.loanState(LIFECYCLE_LABELS[cur.status], '核销');
    const on = today();
    const cal = await loanCalendar(db);
    await db.transaction().execute(async (tx) => {
      await loanRepo.update(tx, cur.county_code, cur.id, { status: 'written_off', closed_on: on, write_off_reason: body.reason });
      await recompute(tx, cur, on, actor.name, cal, `核销：${body.reason}`);
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'write_off',
        entity: 'loan',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `核销 ${cur.borrower_name} 贷款 ${cur.loan_no}（未还本金 ${yuan(cur.outstanding_fen)}）：${body.reason}`,
        before: { status: cur.status },
        after: { status: 'written_off' },
      });
    });
    return this.get(db, ctx, id);
  },

  async ageing(db: Db, ctx: Ctx, q: { areaCode?: string; asOf?: string }) {
    const on = q.asOf ?? today();
    const r = await loanRepo.ageing(db, ctx.scope, on, q.areaCode);
    const buckets = AGEING_BUCKETS.map((b) => ({ bucket: b.key, label: b.label, count: Number(r[`c_${b.key}`]), outstandingFen: Number(r[`f_${b.key}`]) }));
    const overdueFen = buckets.reduce((s, b) => s + b.outstandingFen, 0);
    const outstanding = Number(r.outstanding_fen);
    return {
      asOf: on,
      outstandingFen: outstanding,
      activeCount: Number(r.active_count),
      buckets,
      overdueFen,
      parPercent: outstanding > 0 ? Math.floor((overdueFen * 10_000) / outstanding) / 100 : null,
    };
  },
};

/** Nightly: loans that fell overdue without any event get their subsidy verdict refreshed. */
export async function refreshOverdue(db: Db, on = today()) {
  const rows = await db
    .selectFrom('loan as l')
    .innerJoin('loan_subsidy as s', (j) => j.onRef('s.county_code', '=', 'l.county_code').onRef('s.loan_id', '=', 'l.id'))
    .select(['l.county_code', 'l.id'])
    .where('l.status', '=', 'active')
    .where('l.first_unpaid_grace_on', '<', on)
    .where('s.status', '=', 'pending')
    .execute();
  const cal = await loanCalendar(db);
  for (const r of rows) await db.transaction().execute((tx) => recompute(tx, r, on, '系统', cal, '逾期'));
  return { refreshed: rows.length };
}
