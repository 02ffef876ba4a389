/**
 * 花名册 and 提款报账 (第十二条6): the coop files the roster of the subsidies it paid, with
 * the formula and figures on every line, masked IDs and a signature column, as .xlsx and as
 * printable data; the finance office claims reimbursement from the county finance bureau on
 * filed rosters; the bureau approves (the subsidies are then reimbursed) or rejects.
 */
import ExcelJS from 'exceljs';
import { maskIdNumber } from '@fupin/shared/idcard';
import { fenToYuan } from '@fupin/shared/money';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit';
import type { Db, DbOrTx } from '../../db/db';
import { scoped } from '../../db/sql-helpers';
import { neutraliseFormula } from '../../registry/rules';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { actorOf, nextNumber, today, yuan } from '../common';
import { loanErrors } from '../errors';
import { loanRepo } from '../lending/repository';
import { quarterEnd, quarterLabel, quarterStart, type Quarter, type SubsidyLine } from '../rules';
import { accountFor, postLine } from './ledger';

const ROSTER_STATUS = { filed: '已报财政所', claimed: '已申请报账', reimbursed: '已报账' } as const;
const CLAIM_STATUS = { submitted: '待财政局审核', approved: '已核销', rejected: '已退回' } as const;
const q = (year: number, quarter: number): Quarter => ({ year, quarter: quarter as Quarter['quarter'] });

async function township(db: DbOrTx, ctx: Ctx, code: string) {
  const t = await db.selectFrom('area').select(['code', 'name', 'level', 'county_code']).where('code', '=', code).executeTakeFirst();
  if (!t || t.level !== 4 || !t.county_code) throw loanErrors.notTownship(code);
  if (!scopeCoversArea(ctx.scope, code)) throw errors.outOfScope('该乡镇');
  return { code: t.code, name: t.name, countyCode: t.county_code };
}

function rosterHeader(r: { id: number; roster_no: string; township_code: string; township_name?: string | null; year: number; quarter: number; status: keyof typeof ROSTER_STATUS; line_count: number; total_fen: number; filed_on: string; filed_by_name: string | null; claim_id: number | null; version: number }) {
  return {
    id: r.id,
    rosterNo: r.roster_no,
    townshipCode: r.township_code,
    townshipName: r.township_name ?? null,
    year: r.year,
    quarter: r.quarter,
    label: quarterLabel(q(r.year, r.quarter)),
    status: r.status,
    statusLabel: ROSTER_STATUS[r.status],
    lineCount: r.line_count,
    totalFen: r.total_fen,
    filedOn: r.filed_on,
    filedByName: r.filed_by_name,
    claimId: r.claim_id,
    version: r.version,
  };
}

/** The roster's lines: one per household paid, with every figure of its subsidy. */
async function rosterLines(db: DbOrTx, countyCode: string, rosterId: number) {
  const rows = await db
    .selectFrom('loan_subsidy_payment as p')
    .innerJoin('loan as l', (j) => j.onRef('l.county_code', '=', 'p.county_code').onRef('l.id', '=', 'p.loan_id'))
    .innerJoin('loan_subsidy as s', (j) => j.onRef('s.county_code', '=', 'p.county_code').onRef('s.loan_id', '=', 'p.loan_id'))
    .innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'l.county_code').onRef('la.id', '=', 'l.application_id'))
    .leftJoin('person as pe', (j) => j.onRef('pe.county_code', '=', 'la.county_code').onRef('pe.id', '=', 'la.borrower_person_id'))
    .leftJoin('household as h', (j) => j.onRef('h.county_code', '=', 'l.county_code').onRef('h.id', '=', 'l.household_id'))
    .leftJoin('area as v', 'v.code', 'h.village_code')
    .select([
      'p.id',
      'p.amount_fen',
      'p.paid_on',
      'p.voucher_no',
      'l.loan_no',
      'l.borrower_name',
      'l.principal_fen',
      'l.disbursed_on',
      'l.maturity_date',
      'l.closed_on',
      's.rate_bp',
      's.day_count_basis',
      's.lines',
      's.formula',
      'pe.id_number',
      'v.name as village_name',
    ])
    .where('p.county_code', '=', countyCode)
    .where('p.roster_id', '=', rosterId)
    .orderBy('v.name')
    .orderBy('p.id')
    .execute();
  return rows.map((r, i) => {
    const lines = (typeof r.lines === 'string' ? JSON.parse(r.lines) : r.lines) as SubsidyLine[];
    return {
      seq: i + 1,
      paymentId: r.id,
      borrowerName: r.borrower_name,
      idNumberMasked: r.id_number ? maskIdNumber(r.id_number) : '',
      villageName: r.village_name,
      loanNo: r.loan_no,
      principalFen: r.principal_fen,
      disbursedOn: r.disbursed_on,
      maturityDate: r.maturity_date,
      repaidOn: r.closed_on,
      days: lines.length === 1 ? lines[0].days : null,
      ratePercent: `${(r.rate_bp / 100).toFixed(2)}%`,
      dayCountBasis: r.day_count_basis,
      subsidyFen: r.amount_fen,
      formula: r.formula,
      paidOn: r.paid_on,
      voucherNo: r.voucher_no,
      signature: '',
    };
  });
}

export const rosterService = {
  /** The coop files the quarter's payments not yet on a roster. */
  async create(db: Db, ctx: Ctx, body: { townshipCode: string; year: number; quarter: number }) {
    const t = await township(db, ctx, body.townshipCode);
    const quart = q(body.year, body.quarter);
    const actor = await actorOf(db, ctx);
    const on = today();
    const id = await db.transaction().execute(async (tx) => {
      // Serialise roster filing per township so a payment cannot land on two rosters.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`loan-roster:${t.code}`}))`.execute(tx);
      const pending = await tx
        .selectFrom('loan_subsidy_payment')
        .select(['id', 'amount_fen'])
        .where('county_code', '=', t.countyCode)
        .where('township_code', '=', t.code)
        .where('payer', '=', 'coop')
        .where('roster_id', 'is', null)
        .where('reversed_at', 'is', null)
        .where('paid_on', '>=', quarterStart(quart))
        .where('paid_on', '<=', quarterEnd(quart))
        .execute();
      if (!pending.length) throw loanErrors.rosterState(`${t.name}${quarterLabel(quart)}没有未列入花名册的贴息兑付记录`);
      const total = pending.reduce((s, p) => s + p.amount_fen, 0);
      const rosterNo = await nextNumber(tx, t.countyCode, 'HMC', body.year);
      const r = await tx
        .insertInto('loan_roster')
        .values({ county_code: t.countyCode, roster_no: rosterNo, township_code: t.code, year: body.year, quarter: body.quarter, line_count: pending.length, total_fen: total, filed_on: on, filed_by_name: actor.name })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('loan_subsidy_payment')
        .set({ roster_id: r.id })
        .where('county_code', '=', t.countyCode)
        .where(
          'id',
          'in',
          pending.map((p) => p.id),
        )
        .execute();
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'file_roster',
        entity: 'loan_roster',
        entityId: r.id,
        areaCode: t.code,
        countyCode: t.countyCode,
        summary: `${t.name}信用社报送${quarterLabel(quart)}贴息兑付花名册 ${rosterNo}：${pending.length} 户，${yuan(total)}`,
        after: { rosterNo, lines: pending.length, totalFen: total },
      });
      return r.id;
    });
    return this.get(db, ctx, id);
  },

  async list(db: Db, ctx: Ctx, f: { townshipCode?: string; year?: number; status?: keyof typeof ROSTER_STATUS }) {
    let qb = db
      .selectFrom('loan_roster as r')
      .leftJoin('area as a', 'a.code', 'r.township_code')
      .selectAll('r')
      .select('a.name as township_name')
      .where(scoped(ctx.scope, { area: 'r.township_code', county: 'r.county_code' }));
    if (f.townshipCode) qb = qb.where('r.township_code', '=', f.townshipCode);
    if (f.year) qb = qb.where('r.year', '=', f.year);
    if (f.status) qb = qb.where('r.status', '=', f.status);
    return { items: (await qb.orderBy('r.id', 'desc').execute()).map(rosterHeader) };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const r = await db
      .selectFrom('loan_roster as r')
      .leftJoin('area as a', 'a.code', 'r.township_code')
      .selectAll('r')
      .select('a.name as township_name')
      .where('r.id', '=', id)
      .where(scoped(ctx.scope, { area: 'r.township_code', county: 'r.county_code' }))
      .executeTakeFirst();
    if (!r) throw errors.notFound('花名册');
    const lines = await rosterLines(db, r.county_code, r.id);
    const head = rosterHeader(r);
    return {
      ...head,
      lines,
      print: {
        title: `${r.township_name ?? ''}扶贫到户贷款贴息资金兑付花名册`,
        subtitle: `${head.label}　编号 ${r.roster_no}　填报单位：${r.township_name ?? ''}信用社　填报日期：${r.filed_on}`,
        formulaNote: '贴息金额 = 贷款本金 × 年贴息率 × 实际用款天数 ÷ 计息天数基数，按分四舍五入；分期还款按每笔按期归还的本金分别计算后相加。',
        totalText: `合计 ${r.line_count} 户，贴息 ${fenToYuan(r.total_fen, { thousands: true })} 元`,
        signatures: ['信用社经办人：', '信用社负责人：', '财政所审核人：', '财政所负责人：'],
      },
    };
  },

  /** The roster as an A4-landscape .xlsx, the same lines and totals as the printable page. */
  async xlsx(db: Db, ctx: Ctx, id: number): Promise<{ filename: string; buffer: Buffer }> {
    const r = await this.get(db, ctx, id);
    const wb = new ExcelJS.Workbook();
    wb.creator = '扶贫工作站';
    const ws = wb.addWorksheet('花名册', {
      pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' },
    });
    const headers = ['序号', '借款人', '身份证号', '村', '贷款编号', '贷款本金（元）', '放款日期', '还清日期', '贴息天数', '年贴息率', '计息基数', '贴息金额（元）', '计算公式', '兑付日期', '凭证号', '领款人签字'];
    ws.mergeCells(1, 1, 1, headers.length);
    ws.getCell(1, 1).value = r.print.title;
    ws.getCell(1, 1).font = { bold: true, size: 16 };
    ws.getCell(1, 1).alignment = { horizontal: 'center' };
    ws.mergeCells(2, 1, 2, headers.length);
    ws.getCell(2, 1).value = r.print.subtitle;
    ws.addRow(headers).font = { bold: true };
    for (const l of r.lines) {
      ws.addRow([
        l.seq,
        neutraliseFormula(l.borrowerName),
        l.idNumberMasked,
        neutraliseFormula(l.villageName ?? ''),
        l.loanNo,
        Number(fenToYuan(l.principalFen)),
        l.disbursedOn,
        l.repaidOn ?? '',
        l.days ?? '分期',
        l.ratePercent,
        l.dayCountBasis,
        Number(fenToYuan(l.subsidyFen)),
        l.formula,
        l.paidOn,
        neutraliseFormula(l.voucherNo),
        '',
      ]);
    }
    const totalRow = ws.addRow(['合计', '', '', '', '', '', '', '', '', '', '', Number(fenToYuan(r.totalFen)), r.print.totalText, '', '', '']);
    totalRow.font = { bold: true };
    ws.addRow([]);
    ws.addRow([r.print.formulaNote]);
    ws.addRow(r.print.signatures.flatMap((s) => [s, '', '', '']));
    for (const col of [6, 12]) ws.getColumn(col).numFmt = '#,##0.00';
    const widths = [6, 10, 22, 10, 22, 14, 12, 12, 9, 9, 9, 14, 48, 12, 14, 14];
    widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
    for (let row = 3; row <= 3 + r.lines.length + 1; row++) {
      for (let c = 1; c <= headers.length; c++) ws.getCell(row, c).border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
    }
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const actor = await actorOf(db, ctx);
    await db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        module: 'loan',
        action: 'export_roster',
        entity: 'loan_roster',
        entityId: r.id,
        areaCode: r.townshipCode,
        summary: `${actor.name} 导出花名册 ${r.rosterNo}（${r.lineCount} 户，身份证号已脱敏）`,
      }),
    );
    return { filename: `花名册-${r.rosterNo}.xlsx`, buffer };
  },
};

export const claimService = {
  /** The finance office claims reimbursement on filed rosters: a memo line in its ledger. */
  async submit(db: Db, ctx: Ctx, body: { townshipCode: string; rosterIds: number[] }) {
    const t = await township(db, ctx, body.townshipCode);
    const actor = await actorOf(db, ctx);
    const on = today();
    const id = await db.transaction().execute(async (tx) => {
      const rosters = await tx
        .selectFrom('loan_roster')
        .selectAll()
        .where('county_code', '=', t.countyCode)
        .where('id', 'in', body.rosterIds)
        .forUpdate()
        .execute();
      if (rosters.length !== new Set(body.rosterIds).size) throw errors.notFound('花名册');
      const bad = rosters.find((r) => r.township_code !== t.code || r.status !== 'filed');
      if (bad) throw loanErrors.rosterState(`花名册 ${bad.roster_no} ${bad.township_code !== t.code ? '不属于该乡镇' : `状态为“${ROSTER_STATUS[bad.status]}”，不能申请报账`}`);
      const amount = rosters.reduce((s, r) => s + r.total_fen, 0);
      const claimNo = await nextNumber(tx, t.countyCode, 'BZ', Number(on.slice(0, 4)));
      const c = await tx
        .insertInto('loan_reimbursement_claim')
        .values({ county_code: t.countyCode, claim_no: claimNo, township_code: t.code, amount_fen: amount, roster_count: rosters.length, submitted_on: on, submitted_by_name: actor.name })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('loan_roster').set({ status: 'claimed', claim_id: c.id, version: sql`version + 1` }).where('county_code', '=', t.countyCode).where('id', 'in', body.rosterIds).execute();
      await tx.updateTable('loan_subsidy_payment').set({ claim_id: c.id }).where('county_code', '=', t.countyCode).where('roster_id', 'in', body.rosterIds).execute();
      const fo = await accountFor(tx, t.countyCode, 'finance_office', t.code);
      await postLine(tx, actor, {
        account: fo,
        kind: 'claim',
        direction: 'memo',
        amountFen: amount,
        date: on,
        doc: { type: 'claim', id: c.id, no: claimNo },
        counterparty: '县财政局',
        memo: `依据花名册 ${rosters.map((r) => r.roster_no).join('、')} 提款报账`,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'submit_claim',
        entity: 'loan_reimbursement_claim',
        entityId: c.id,
        areaCode: t.code,
        countyCode: t.countyCode,
        summary: `${t.name}财政所向县财政局提款报账 ${claimNo}：花名册 ${rosters.length} 份，${yuan(amount)}`,
        after: { claimNo, amount, rosters: rosters.map((r) => r.roster_no) },
      });
      return c.id;
    });
    return this.get(db, ctx, id);
  },

  async decide(db: Db, ctx: Ctx, id: number, body: { version: number; approve: boolean; note?: string }) {
    const c = await this.get(db, ctx, id);
    if (c.version !== body.version) throw loanErrors.stale('报账申请');
    if (c.status !== 'submitted') throw loanErrors.claimState(`报账申请状态为“${c.statusLabel}”，不能审核`);
    if (!body.approve && !body.note) throw loanErrors.reasonRequired('退回报账申请');
    const actor = await actorOf(db, ctx);
    const on = today();
    await db.transaction().execute(async (tx) => {
      const ok = await tx
        .updateTable('loan_reimbursement_claim')
        .set({ status: body.approve ? 'approved' : 'rejected', decided_on: on, decided_by_name: actor.name, decision_note: body.note ?? null, version: sql`version + 1` })
        .where('county_code', '=', c.countyCode)
        .where('id', '=', id)
        .where('version', '=', body.version)
        .returning('id')
        .executeTakeFirst();
      if (!ok) throw loanErrors.stale('报账申请');
      if (body.approve) {
        await tx.updateTable('loan_roster').set({ status: 'reimbursed', version: sql`version + 1` }).where('county_code', '=', c.countyCode).where('claim_id', '=', id).execute();
        const pays = await tx.selectFrom('loan_subsidy_payment').select(['loan_id', 'amount_fen']).where('county_code', '=', c.countyCode).where('claim_id', '=', id).execute();
        if (pays.length) {
          await tx.updateTable('loan_subsidy').set({ status: 'reimbursed' }).where('county_code', '=', c.countyCode).where('loan_id', 'in', pays.map((p) => p.loan_id)).execute();
          for (let i = 0; i < pays.length; i += 5000) {
            await tx
              .insertInto('loan_subsidy_event')
              .values(pays.slice(i, i + 5000).map((p) => ({ county_code: c.countyCode, loan_id: p.loan_id, on_date: on, event: 'reimbursed' as const, amount_fen: p.amount_fen, document: c.claimNo, note: '县财政局审核报账', actor_name: actor.name })))
              .execute();
          }
        }
        const fo = await accountFor(tx, c.countyCode, 'finance_office', c.townshipCode);
        await postLine(tx, actor, {
          account: fo,
          kind: 'reimbursement',
          direction: 'memo',
          amountFen: c.amountFen,
          date: on,
          doc: { type: 'claim', id, no: c.claimNo },
          counterparty: '县财政局',
          memo: `报账 ${c.claimNo} 审核核销${body.note ? `：${body.note}` : ''}`,
        });
      } else {
        await tx.updateTable('loan_roster').set({ status: 'filed', claim_id: null, version: sql`version + 1` }).where('county_code', '=', c.countyCode).where('claim_id', '=', id).execute();
        await tx.updateTable('loan_subsidy_payment').set({ claim_id: null }).where('county_code', '=', c.countyCode).where('claim_id', '=', id).execute();
      }
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: body.approve ? 'approve_claim' : 'reject_claim',
        entity: 'loan_reimbursement_claim',
        entityId: id,
        areaCode: c.townshipCode,
        countyCode: c.countyCode,
        summary: `县财政局${body.approve ? '审核核销' : '退回'}报账申请 ${c.claimNo}（${yuan(c.amountFen)}）${body.note ? `：${body.note}` : ''}`,
        before: { status: 'submitted' },
        after: { status: body.approve ? 'approved' : 'rejected' },
      });
    });
    return this.get(db, ctx, id);
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const c = await db
      .selectFrom('loan_reimbursement_claim as c')
      .leftJoin('area as a', 'a.code', 'c.township_code')
      .selectAll('c')
      .select('a.name as township_name')
      .where('c.id', '=', id)
      .where(scoped(ctx.scope, { area: 'c.township_code', county: 'c.county_code' }))
      .executeTakeFirst();
    if (!c) throw errors.notFound('报账申请');
    const rosters = await db.selectFrom('loan_roster').select(['id', 'roster_no', 'total_fen', 'line_count']).where('county_code', '=', c.county_code).where('claim_id', '=', c.id).execute();
    return claimItem(c, rosters);
  },

  async list(db: Db, ctx: Ctx, f: { townshipCode?: string; status?: keyof typeof CLAIM_STATUS }) {
    let qb = db
      .selectFrom('loan_reimbursement_claim as c')
      .leftJoin('area as a', 'a.code', 'c.township_code')
      .selectAll('c')
      .select('a.name as township_name')
      .where(scoped(ctx.scope, { area: 'c.township_code', county: 'c.county_code' }));
    if (f.townshipCode) qb = qb.where('c.township_code', '=', f.townshipCode);
    if (f.status) qb = qb.where('c.status', '=', f.status);
    return { items: (await qb.orderBy('c.id', 'desc').execute()).map((c) => claimItem(c, [])) };
  },
};

function claimItem(
  c: { id: number; county_code: string; claim_no: string; township_code: string; township_name: string | null; amount_fen: number; roster_count: number; status: keyof typeof CLAIM_STATUS; submitted_on: string; submitted_by_name: string | null; decided_on: string | null; decided_by_name: string | null; decision_note: string | null; version: number },
  rosters: { id: number; roster_no: string; total_fen: number; line_count: number }[],
) {
  return {
    id: c.id,
    countyCode: c.county_code,
    claimNo: c.claim_no,
    townshipCode: c.township_code,
    townshipName: c.township_name,
    amountFen: c.amount_fen,
    rosterCount: c.roster_count,
    status: c.status,
    statusLabel: CLAIM_STATUS[c.status],
    submittedOn: c.submitted_on,
    submittedByName: c.submitted_by_name,
    decidedOn: c.decided_on,
    decidedByName: c.decided_by_name,
    decisionNote: c.decision_note,
    version: c.version,
    rosters: rosters.map((r) => ({ id: r.id, rosterNo: r.roster_no, totalFen: r.total_fen, lineCount: r.line_count })),
  };
}
