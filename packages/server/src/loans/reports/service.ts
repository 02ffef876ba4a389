import { sql } from 'kysely';
import { addDays, daysInMonth } from '@fupin/shared/date';
import { writeAudit } from '../../audit/audit';
import type { Db, DbOrTx } from '../../db/db';
import { scoped } from '../../db/sql-helpers';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { actorOf, coversCounty, loanCalendar, today, yuan } from '../common';
import { loanErrors } from '../errors';
import { lendingService } from '../lending/service';
import { ASSESSMENT_LABELS, assess, proposeQuota, quarterEnd, quarterLabel, quarterStart, recoveryRate, reportDueDate, type Quarter } from '../rules';
import { paramsOf, quotaRepo, schemeRepo } from '../schemes/repository';
import { monthly, periodFigures, type PeriodRow } from './figures';

export const RECOVERY_DEFINITION =
  '回收率 = 统计期内到期的贷款本金中，截至统计日期已收回的本金 ÷ 统计期内到期的贷款本金。分期贷款按每期到期日计入；已核销贷款的未还本金计为未收回；统计期内无到期贷款的不计算回收率。显示值截取到 0.01%。';
const REPORTER = { station: { label: '乡镇扶贫工作站', to: '县扶贫办' }, coop: { label: '乡镇信用社', to: '县信用联社' } } as const;
const RECIPIENT = { township_gov: '乡镇人民政府（含工作站）', credit_union: '县信用联社（含信用社）', finance_bureau: '县财政局（含财政所）', poverty_office: '县扶贫办' } as const;
const q = (year: number, quarter: number): Quarter => ({ year, quarter: quarter as Quarter['quarter'] });

/** 张三 → 张*, 欧阳小明 → 欧**明: public notices never show a full name with an ID (anchors.md). */
export function maskName(name: string): string {
  const c = [...name];
  if (c.length <= 1) return name;
  if (c.length === 2) return `${c[0]}*`;
  return `${c[0]}${'*'.repeat(c.length - 2)}${c[c.length - 1]}`;
}

/**
 * A notice is public: besides the townships in the user's scope, a village user sees the notice
 * of the township their village belongs to.
 */
function noticeVisible(ctx: Ctx) {
  const s = ctx.scope;
  const inside = s.kind === 'areas' ? [...s.below, ...s.exact].filter((p) => p.length > 9).map((p) => p.slice(0, 9)) : [];
  const base = scoped(ctx.scope, { area: 'n.township_code', county: 'n.county_code' });
   
  return (eb: any) => (inside.length ? eb.or([base(eb), sql<boolean>`n.township_code = ANY(${inside}::text[])`]) : base(eb));
}

async function township(db: DbOrTx, ctx: Ctx, code: string) {
  const t = await db.selectFrom('area').select(['code', 'name', 'level', 'county_code']).where('code', '=', code).executeTakeFirst();
  if (!t || t.level !== 4 || !t.county_code) throw loanErrors.notTownship(code);
  if (!scopeCoversArea(ctx.scope, code) && !coversCounty(ctx.scope, t.county_code)) throw errors.notFound('乡镇');
  return { code: t.code, name: t.name, countyCode: t.county_code };
}

function figures(r: PeriodRow | undefined) {
  const x = r ?? { disbursed_count: 0, disbursed_fen: 0, repaid_fen: 0, due_fen: 0, recovered_fen: 0, outstanding_fen: 0, overdue_fen: 0, overdue_count: 0, subsidy_paid_fen: 0 };
  const rate = recoveryRate(x.due_fen, x.recovered_fen);
  return {
    disbursedCount: x.disbursed_count,
    disbursedFen: x.disbursed_fen,
    repaidFen: x.repaid_fen,
    dueFen: x.due_fen,
    recoveredFen: x.recovered_fen,
    recoveryRateBp: rate.rateBp,
    recoveryRateText: rate.text,
    outstandingFen: x.outstanding_fen,
    overdueFen: x.overdue_fen,
    overdueCount: x.overdue_count,
    subsidyPaidFen: x.subsidy_paid_fen,
  };
}

async function reportDay(db: DbOrTx, countyCode: string, year: number) {
  const s = await schemeRepo.active(db, countyCode, year);
  return s ? paramsOf(s) : null;
}

export const reportService = {
  // ─────────────── 月度公示 (第十二条3) ───────────────
  async noticePreview(db: Db, ctx: Ctx, townshipCode: string, year: number, month: number) {
    const t = await township(db, ctx, townshipCode);
    const from = `${year}-${String(month).padStart(2, '0')}-01`;
    const to = `${year}-${String(month).padStart(2, '0')}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
    const cal = await loanCalendar(db);
    const dueOn = cal.addWorkingDays(addDays(to, 1), -1);
    const events = await db
      .selectFrom('loan_application_event as e')
      .innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'e.county_code').onRef('la.id', '=', 'e.application_id'))
      .leftJoin('household as h', (j) => j.onRef('h.county_code', '=', 'la.county_code').onRef('h.id', '=', 'la.household_id'))
      .leftJoin('area as v', 'v.code', 'h.village_code')
      .leftJoin('dict_item as di', (j) => j.on('di.type_code', '=', 'loan_industry').onRef('di.code', '=', 'la.industry'))
      .select(['e.action', 'e.stage', 'e.on_date', 'e.actor_org', 'la.app_no', 'la.borrower_name', 'la.project_name', 'la.amount_fen', 'la.status', 'v.name as village', 'di.label as industry'])
      .where('e.county_code', '=', t.countyCode)
      .where('la.township_code', '=', t.code)
      .where('e.on_date', '>=', from)
      .where('e.on_date', '<=', to)
      .where((eb) =>
        eb.or([
          eb.and([eb('e.stage', '=', 'station'), eb('e.action', '=', 'approve')]),
          eb.and([eb('e.stage', 'in', ['coop', 'credit_union']), eb('e.action', 'in', ['approve', 'reject'])]),
        ]),
      )
      .orderBy('e.id')
      .execute();
    const loans = await db
      .selectFrom('loan as l')
      .leftJoin('household as h', (j) => j.onRef('h.county_code', '=', 'l.county_code').onRef('h.id', '=', 'l.household_id'))
      .leftJoin('area as v', 'v.code', 'h.village_code')
      .select(['l.loan_no', 'l.borrower_name', 'l.principal_fen', 'l.term_months', 'l.disbursed_on', 'v.name as village'])
      .where('l.county_code', '=', t.countyCode)
      .where('l.township_code', '=', t.code)
      .where('l.disbursed_on', '>=', from)
      .where('l.disbursed_on', '<=', to)
      .orderBy('l.id')
      .execute();
    const issued = await db.selectFrom('loan_notice').select('id').where('county_code', '=', t.countyCode).where('township_code', '=', t.code).where('year', '=', year).where('month', '=', month).executeTakeFirst();
    return {
      townshipCode: t.code,
      year,
      month,
      dueOn,
      issued: !!issued,
      content: {
        title: `${t.name}扶贫到户贷款项目推荐及放贷情况公示`,
        townshipName: t.name,
        period: `${year}年${month}月`,
        recommended: events
          .filter((e) => e.stage === 'station')
          .map((e) => ({ appNo: e.app_no, borrower: maskName(e.borrower_name), village: e.village, project: e.project_name, industry: e.industry ?? '', amountFen: e.amount_fen, onDate: e.on_date })),
        decisions: events
          .filter((e) => e.stage !== 'station')
          .map((e) => ({
            appNo: e.app_no,
            borrower: maskName(e.borrower_name),
            village: e.village,
            decision: e.action === 'approve' ? (e.stage === 'coop' && e.status !== 'approved' ? '同意，报县审批' : '同意放贷') : '不予放贷',
            decidedBy: e.actor_org ?? '',
            onDate: e.on_date,
            amountFen: e.amount_fen,
          })),
        loans: loans.map((l) => ({ loanNo: l.loan_no, borrower: maskName(l.borrower_name), village: l.village, amountFen: l.principal_fen, termMonths: l.term_months, disbursedOn: l.disbursed_on })),
        footer: `公示期间如有异议，请向${t.name}扶贫工作站反映。`,
      },
    };
  },

  /** Issues the month's notice: a snapshot kept exactly as issued (the table refuses edits). */
  async issueNotice(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; month: number }) {
    const p = await this.noticePreview(db, ctx, body.townshipCode, body.year, body.month);
    if (!scopeCoversArea(ctx.scope, body.townshipCode)) throw errors.outOfScope('该乡镇');
    const on = today();
    // 每月底: from the month's last working day on, so the notice covers the whole month.
    if (on < p.dueOn) throw loanErrors.periodNotOver(p.content.period);
    const actor = await actorOf(db, ctx);
    const countyCode = body.townshipCode.slice(0, 6);
    return db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('loan_notice')
        .values({ county_code: countyCode, township_code: body.townshipCode, year: body.year, month: body.month, due_on: p.dueOn, issued_on: on, late: on > p.dueOn, content: JSON.stringify(p.content), issued_by_name: actor.name })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.noticeExists(`${p.content.townshipName}${p.content.period}公示`);
          throw e;
        });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'issue_notice',
        entity: 'loan_notice',
        entityId: row.id,
        areaCode: body.townshipCode,
        countyCode,
        summary: `发布${p.content.townshipName}${p.content.period}到户贷款公示：推荐 ${p.content.recommended.length} 项，信用社决定 ${p.content.decisions.length} 项，放贷 ${p.content.loans.length} 笔${on > p.dueOn ? '（逾期发布）' : ''}`,
      });
      return noticeItem(row);
    });
  },

  async notices(db: Db, ctx: Ctx, f: { townshipCode?: string; year?: number }) {
    let qb = db.selectFrom('loan_notice as n').selectAll('n').where(noticeVisible(ctx));
    if (f.townshipCode) qb = qb.where('n.township_code', '=', f.townshipCode);
    if (f.year) qb = qb.where('n.year', '=', f.year);
    return { items: (await qb.orderBy('n.year', 'desc').orderBy('n.month', 'desc').execute()).map(noticeItem) };
  },

  async notice(db: Db, ctx: Ctx, id: number) {
    const n = await db.selectFrom('loan_notice as n').selectAll('n').where('n.id', '=', id).where(noticeVisible(ctx)).executeTakeFirst();
    if (!n) throw errors.notFound('公示');
    return noticeItem(n);
  },

  // ─────────────── 季度报表 (第十二条3–4) ───────────────
  async quarterPreview(db: Db, ctx: Ctx, townshipCode: string, year: number, quarter: number) {
    const t = await township(db, ctx, townshipCode);
    const quart = q(year, quarter);
    const params = await reportDay(db, t.countyCode, year);
    const cal = await loanCalendar(db);
    const rows = await periodFigures(db, ctx.scope, t.countyCode, quarterStart(quart), quarterEnd(quart), { townshipCode: t.code });
    return { townshipCode: t.code, year, quarter, label: quarterLabel(quart), dueOn: reportDueDate(cal, quart, params?.reportDay ?? 5), figures: figures(rows[0]) };
  },

  async submitQuarter(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number; reporter: 'station' | 'coop' }) {
    const perm = body.reporter === 'station' ? 'loan:review:station' : 'loan:review:coop';
    if (!can(ctx, perm)) throw errors.forbidden(perm);
    if (!scopeCoversArea(ctx.scope, body.townshipCode)) throw errors.outOfScope('该乡镇');
    const p = await this.quarterPreview(db, ctx, body.townshipCode, body.year, body.quarter);
    const on = today();
    if (on <= quarterEnd(q(body.year, body.quarter))) throw loanErrors.periodNotOver(p.label);
    const actor = await actorOf(db, ctx);
    const countyCode = body.townshipCode.slice(0, 6);
    return db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('loan_quarter_report')
        .values({ county_code: countyCode, township_code: body.townshipCode, reporter: body.reporter, year: body.year, quarter: body.quarter, due_on: p.dueOn, submitted_on: on, late: on > p.dueOn, figures: JSON.stringify(p.figures), submitted_by_name: actor.name })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.reportExists(`${REPORTER[body.reporter].label}${p.label}报表`);
          throw e;
        });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'submit_report',
        entity: 'loan_quarter_report',
        entityId: row.id,
        areaCode: body.townshipCode,
        countyCode,
        summary: `${REPORTER[body.reporter].label}向${REPORTER[body.reporter].to}报送${p.label}贷款发放与回收情况：发放 ${p.figures.disbursedCount} 笔 ${yuan(p.figures.disbursedFen)}，回收率 ${p.figures.recoveryRateText}${on > p.dueOn ? '（逾期报送）' : ''}`,
        after: p.figures,
      });
      return quarterItem(row);
    });
  },

  async quarterReport(db: Db, ctx: Ctx, id: number) {
    const r = await db.selectFrom('loan_quarter_report as r').selectAll('r').where('r.id', '=', id).where(scoped(ctx.scope, { area: 'r.township_code', county: 'r.county_code' })).executeTakeFirst();
    if (!r) throw errors.notFound('季度报表');
    return quarterItem(r);
  },

  /** Who has reported the quarter, late or not at all (overdue once the deadline has passed). */
  async board(db: Db, ctx: Ctx, countyCode: string, year: number, quarter: number) {
    const quart = q(year, quarter);
    const params = await reportDay(db, countyCode, year);
    const cal = await loanCalendar(db);
    const dueOn = reportDueDate(cal, quart, params?.reportDay ?? 5);
    const on = today();
    const towns = await db
      .selectFrom('area as a')
      .select(['a.code', 'a.name'])
      .where('a.county_code', '=', countyCode)
      .where('a.level', '=', 4)
      .where(scoped(ctx.scope, { area: 'a.code', county: 'a.county_code' }))
      .orderBy('a.sort')
      .orderBy('a.code')
      .execute();
    const reports = await db.selectFrom('loan_quarter_report').selectAll().where('county_code', '=', countyCode).where('year', '=', year).where('quarter', '=', quarter).execute();
    const items = towns.flatMap((t) =>
      (['station', 'coop'] as const).map((reporter) => {
        const r = reports.find((x) => x.township_code === t.code && x.reporter === reporter);
        const status = r ? (r.late ? 'late' : 'submitted') : on > dueOn ? 'overdue' : 'missing';
        return {
          townshipCode: t.code,
          townshipName: t.name,
          reporter,
          reporterLabel: REPORTER[reporter].label,
          status: status as 'submitted' | 'late' | 'missing' | 'overdue',
          statusLabel: { submitted: '按时报送', late: '逾期报送', missing: '未报送', overdue: '逾期未报' }[status],
          submittedOn: r?.submitted_on ?? null,
          reportId: r?.id ?? null,
        };
      }),
    );
    return { year, quarter, label: quarterLabel(quart), dueOn, items };
  },

  // ─────────────── 回收率与考核 (第九条) ───────────────
  async recovery(db: Db, ctx: Ctx, f: { countyCode: string; year: number; quarter?: number; asOf?: string }) {
    const from = f.quarter ? quarterStart(q(f.year, f.quarter)) : `${f.year}-01-01`;
    const to = f.quarter ? quarterEnd(q(f.year, f.quarter)) : `${f.year}-12-31`;
    const asOf = f.asOf ?? (today() < to ? today() : to);
    // Principal falls due up to the as-of date at the latest (a year-to-date rate counts what is due so far).
    const rows = await periodFigures(db, ctx.scope, f.countyCode, from, to < asOf ? to : asOf, { asOf });
    const names = await db.selectFrom('area').select(['code', 'name']).where('county_code', '=', f.countyCode).where('level', '=', 4).execute();
    const coops = await db.selectFrom('org').select(['area_code', 'name']).where('county_code', '=', f.countyCode).where('kind', '=', 'coop').execute();
    const items = rows.map((r) => {
      const rate = recoveryRate(r.due_fen, r.recovered_fen);
      return {
        townshipCode: r.township_code,
        townshipName: r.township_code ? (names.find((n) => n.code === r.township_code)?.name ?? r.township_code) : '县本级（企业贷款）',
        coopName: r.township_code ? (coops.find((c) => c.area_code === r.township_code)?.name ?? null) : null,
        dueFen: r.due_fen,
        recoveredFen: r.recovered_fen,
        recoveryRateBp: rate.rateBp,
        recoveryRateText: rate.text,
      };
    });
    const due = items.reduce((s, i) => s + i.dueFen, 0);
    const rec = items.reduce((s, i) => s + i.recoveredFen, 0);
    const total = recoveryRate(due, rec);
    return { countyCode: f.countyCode, from, to, asOf, definition: RECOVERY_DEFINITION, items, total: { dueFen: due, recoveredFen: rec, recoveryRateBp: total.rateBp, recoveryRateText: total.text } };
  },

  async assessment(db: Db, ctx: Ctx, f: { countyCode: string; year: number; asOf?: string }) {
    const s = await schemeRepo.active(db, f.countyCode, f.year);
    if (!s) throw loanErrors.noScheme(f.countyCode, f.year);
    const p = paramsOf(s);
    const rec = await this.recovery(db, ctx, { countyCode: f.countyCode, year: f.year, asOf: f.asOf });
    const quotas = await quotaRepo.listWithUsage(db, f.countyCode, f.year);
    const items = quotas
      .filter((t) => scopeCoversArea(ctx.scope, t.township_code) || coversCounty(ctx.scope, f.countyCode))
      .map((t) => {
        const r = rec.items.find((i) => i.townshipCode === t.township_code);
        const due = r?.dueFen ?? 0;
        const recovered = r?.recoveredFen ?? 0;
        const a = assess(due, recovered, p);
        const rate = recoveryRate(due, recovered);
        const cur = { amountFen: Number(t.amount_fen ?? 0), count: Number(t.loan_count ?? 0) };
        const next = proposeQuota(cur, a, p);
        return {
          townshipCode: t.township_code,
          townshipName: t.township_name,
          dueFen: due,
          recoveredFen: recovered,
          recoveryRateBp: rate.rateBp,
          recoveryRateText: rate.text,
          assessment: a,
          assessmentLabel: ASSESSMENT_LABELS[a],
          quotaFen: cur.amountFen,
          quotaCount: cur.count,
          proposedQuotaFen: next.amountFen,
          proposedQuotaCount: next.count,
          workFundsNextYear: a !== 'cut',
        };
      });
    return { countyCode: f.countyCode, year: f.year, asOf: rec.asOf, thresholds: { rewardBp: p.rewardThresholdBp, cutBp: p.cutThresholdBp, adjustBp: p.quotaAdjustBp }, definition: RECOVERY_DEFINITION, items };
  },

  // ─────────────── 工作经费 (第八条) ───────────────
  async workFunds(db: Db, ctx: Ctx, countyCode: string, year: number) {
    const rows = await db
      .selectFrom('loan_work_fund as w')
      .selectAll('w')
      .where('w.county_code', '=', countyCode)
      .where('w.year', '=', year)
      .where(scoped(ctx.scope, { area: 'w.area_code', county: 'w.county_code' }))
      .orderBy('w.id')
      .execute();
    return { items: rows.map(workFundItem) };
  },

  /** 第九条: a township whose last year's recovery rate was below the cut threshold gets no work funds. */
  async addWorkFund(db: Db, ctx: Ctx, body: { countyCode: string; year: number; recipientKind: keyof typeof RECIPIENT; areaCode: string; amountFen: number; purpose: string; documentNo: string }) {
    if (!coversCounty(ctx.scope, body.countyCode)) throw errors.outOfScope('该县');
    const isTownship = body.recipientKind === 'township_gov';
    if (isTownship !== (body.areaCode.length === 9) || !body.areaCode.startsWith(body.countyCode)) throw errors.badRequest('区划：乡镇政府须填本县乡镇代码，县级单位须填本县代码');
    const area = await db.selectFrom('area').select(['name']).where('code', '=', body.areaCode).executeTakeFirst();
    if (!area) throw errors.badRequest(`区划：${body.areaCode} 不存在`);
    if (isTownship && (await schemeRepo.active(db, body.countyCode, body.year - 1))) {
      const a = await this.assessment(db, ctx, { countyCode: body.countyCode, year: body.year - 1 });
      const t = a.items.find((i) => i.townshipCode === body.areaCode);
      if (t?.assessment === 'cut') throw errors.conflict(`${area.name} ${body.year - 1} 年度贷款回收率 ${t.recoveryRateText}，低于 ${(a.thresholds.cutBp / 100).toFixed(0)}%，按第九条不安排工作经费`);
    }
    const actor = await actorOf(db, ctx);
    const name = isTownship ? `${area.name}人民政府` : { credit_union: '县信用联社', finance_bureau: '县财政局', poverty_office: '县扶贫办', township_gov: '' }[body.recipientKind];
    return db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('loan_work_fund')
        .values({ county_code: body.countyCode, year: body.year, recipient_kind: body.recipientKind, area_code: body.areaCode, recipient_name: name, amount_fen: body.amountFen, purpose: body.purpose, document_no: body.documentNo, decided_by_name: actor.name })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'work_fund',
        entity: 'loan_work_fund',
        entityId: row.id,
        areaCode: body.areaCode,
        countyCode: body.countyCode,
        summary: `安排 ${body.year} 年度到户贷款工作经费：${name} ${yuan(body.amountFen)}（${body.purpose}，${body.documentNo}）`,
      });
      return workFundItem(row);
    });
  },

  // ─────────────── 统计图表 ───────────────
  async dashboard(db: Db, ctx: Ctx, countyCode: string, year: number) {
    const [months, rec, quotas, ageing, names] = await Promise.all([
      monthly(db, ctx.scope, countyCode, year),
      this.recovery(db, ctx, { countyCode, year }),
      quotaRepo.listWithUsage(db, countyCode, year),
      lendingService.ageing(db, ctx, { areaCode: countyCode }),
      db.selectFrom('area').select(['code', 'name']).where('county_code', '=', countyCode).where('level', '=', 4).orderBy('sort').orderBy('code').execute(),
    ]);
    const visible = names.filter((n) => scopeCoversArea(ctx.scope, n.code) || coversCounty(ctx.scope, countyCode));
    const subsidy = await sql<{ township_code: string; allocated: number; prepaid: number; paid: number }>`
      SELECT a.area_code AS township_code,
        coalesce(sum(CASE WHEN e.kind = 'allocation' AND e.direction = 'in' THEN e.amount_fen WHEN e.kind = 'reversal' AND a.kind = 'finance_office' AND e.direction = 'out' AND t.kind = 'allocation' THEN -e.amount_fen ELSE 0 END) FILTER (WHERE a.kind = 'finance_office'), 0)::bigint AS allocated,
        coalesce(sum(CASE WHEN e.kind IN ('prepayment', 'topup') AND e.direction = 'in' THEN e.amount_fen WHEN e.kind = 'refund' AND e.direction = 'out' THEN -e.amount_fen ELSE 0 END) FILTER (WHERE a.kind = 'coop'), 0)::bigint AS prepaid,
        coalesce(sum(e.amount_fen) FILTER (WHERE a.kind = 'coop' AND e.kind = 'subsidy_payment'), 0)::bigint AS paid
      FROM loan_fund_account a
      JOIN loan_fund_entry e ON e.county_code = a.county_code AND e.account_id = a.id AND extract(year FROM e.entry_date) = ${year}
      LEFT JOIN loan_fund_transfer t ON e.source_doc_type = 'transfer' AND t.county_code = e.county_code AND t.id = e.source_doc_id
      WHERE a.county_code = ${countyCode} AND a.kind IN ('finance_office', 'coop')
      GROUP BY a.area_code`.execute(db);
    const keep = (code: string | null) => (code ? visible.some((v) => v.code === code) : coversCounty(ctx.scope, countyCode));
    return {
      year,
      townships: [...(coversCounty(ctx.scope, countyCode) ? [{ code: null, name: '县本级（企业贷款）' }] : []), ...visible.map((v) => ({ code: v.code as string | null, name: v.name }))],
      monthly: months.filter((m) => keep(m.township_code)).map((m) => ({ townshipCode: m.township_code, month: m.month, disbursedFen: m.disbursed_fen, disbursedCount: m.disbursed_count, repaidFen: m.repaid_fen })),
      recovery: rec.items.map((i) => ({ townshipCode: i.townshipCode, dueFen: i.dueFen, recoveredFen: i.recoveredFen, recoveryRateBp: i.recoveryRateBp })),
      quotaUse: quotas
        .filter((t) => keep(t.township_code))
        .map((t) => ({ townshipCode: t.township_code, amountFen: Number(t.amount_fen ?? 0), usedFen: Number(t.used_fen ?? 0), loanCount: Number(t.loan_count ?? 0), usedCount: Number(t.used_count ?? 0) })),
      ageing: ageing.buckets,
      subsidy: subsidy.rows.filter((s) => keep(s.township_code)).map((s) => ({ townshipCode: s.township_code, allocatedFen: Number(s.allocated), prepaidFen: Number(s.prepaid), paidFen: Number(s.paid) })),
    };
  },
};

function noticeItem(n: { id: number; township_code: string; year: number; month: number; due_on: string; issued_on: string; late: boolean; content: unknown; issued_by_name: string | null }) {
  return {
    id: n.id,
    townshipCode: n.township_code,
    year: n.year,
    month: n.month,
    dueOn: n.due_on,
    issuedOn: n.issued_on,
    late: n.late,
    issuedByName: n.issued_by_name,
    content: (typeof n.content === 'string' ? JSON.parse(n.content) : n.content) as ReturnType<typeof JSON.parse>,
  };
}

function quarterItem(r: { id: number; township_code: string; reporter: 'station' | 'coop'; year: number; quarter: number; due_on: string; submitted_on: string; late: boolean; figures: unknown; submitted_by_name: string | null }) {
  return {
    id: r.id,
    townshipCode: r.township_code,
    reporter: r.reporter,
    reporterLabel: REPORTER[r.reporter].label,
    recipientLabel: REPORTER[r.reporter].to,
    year: r.year,
    quarter: r.quarter,
    label: quarterLabel(q(r.year, r.quarter)),
    dueOn: r.due_on,
    submittedOn: r.submitted_on,
    late: r.late,
    figures: (typeof r.figures === 'string' ? JSON.parse(r.figures) : r.figures) as ReturnType<typeof figures>,
    submittedByName: r.submitted_by_name,
  };
}

function workFundItem(w: { id: number; year: number; recipient_kind: keyof typeof RECIPIENT; area_code: string; recipient_name: string; amount_fen: number; purpose: string; document_no: string; decided_by_name: string | null }) {
  return {
    id: w.id,
    year: w.year,
    recipientKind: w.recipient_kind,
    recipientKindLabel: RECIPIENT[w.recipient_kind],
    areaCode: w.area_code,
    recipientName: w.recipient_name,
    amountFen: w.amount_fen,
    purpose: w.purpose,
    documentNo: w.document_no,
    decidedByName: w.decided_by_name,
  };
}
