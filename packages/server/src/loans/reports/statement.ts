/**
 * Reconciliation with the county credit union's statement (第十二条3: 县扶贫办与县信用联社核对):
 * the statement is imported as .xlsx, kept line by line, and compared loan by loan with our
 * records as of the statement date; every loan that differs is listed with the reason.
 */
import ExcelJS from 'exceljs';
import { isIsoDate } from '@fupin/shared/date';
import { parseYuan } from '@fupin/shared/money';
import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import { scoped } from '../../db/sql-helpers';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { actorOf, coversCounty, yuan } from '../common';
import { loanErrors } from '../errors';

/** Accepted column titles (the credit union's forms vary a little from county to county). */
const COLUMNS = {
  loanNo: ['贷款编号', '贷款号', '借据号'],
  borrower: ['借款人', '借款人姓名', '户名'],
  principal: ['放款金额', '贷款金额', '放款金额（元）', '贷款金额（元）'],
  disbursedOn: ['放款日期', '发放日期'],
  repaid: ['已还本金', '已收回本金', '已还本金（元）', '已收回本金（元）'],
  outstanding: ['贷款余额', '余额', '贷款余额（元）', '余额（元）'],
} as const;
const MAX_ROWS = 100_000;

type Parsed = { rowNo: number; loanNo: string; borrower: string | null; principalFen: number | null; disbursedOn: string | null; repaidFen: number | null; outstandingFen: number | null };

function cellText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v && v.result != null) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
  }
  return String(v).trim();
}

function parseDate(v: ExcelJS.CellValue): string | null | 'bad' {
  if (v == null || v === '') return null;
  // Excel dates arrive as Date at UTC midnight: read the calendar day, never local time.
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = cellText(v).replace(/[./年月]/g, '-').replace(/日$/, '');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return 'bad';
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isIsoDate(d) ? d : 'bad';
}

function parseMoney(v: ExcelJS.CellValue): number | null | string {
  const s = typeof v === 'number' ? v : cellText(v);
  if (s === '') return null;
  const r = parseYuan(s);
  return r.ok ? r.fen : r.reason;
}

export async function parseStatement(buffer: Buffer): Promise<{ rows: Parsed[]; bad: { rowNo: number; reason: string }[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw loanErrors.badStatement('文件不是有效的 .xlsx');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw loanErrors.badStatement('文件中没有工作表');
  let headerRow = 0;
  const col: Partial<Record<keyof typeof COLUMNS, number>> = {};
  for (let r = 1; r <= Math.min(ws.rowCount, 10) && !headerRow; r++) {
    const row = ws.getRow(r);
    row.eachCell((cell, c) => {
      const t = cellText(cell.value);
      for (const [k, names] of Object.entries(COLUMNS)) if ((names as readonly string[]).includes(t)) col[k as keyof typeof COLUMNS] = c;
    });
    if (col.loanNo) headerRow = r;
  }
  if (!headerRow) throw loanErrors.badStatement('前 10 行中找不到“贷款编号”列');
  if (ws.rowCount - headerRow > MAX_ROWS) throw loanErrors.badStatement(`行数超过 ${MAX_ROWS}`);
  const rows: Parsed[] = [];
  const bad: { rowNo: number; reason: string }[] = [];
  const seen = new Set<string>();
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (k: keyof typeof COLUMNS) => (col[k] ? row.getCell(col[k]!).value : null);
    const loanNo = cellText(get('loanNo'));
    if (!loanNo) continue;
    const reasons: string[] = [];
    const money = (k: 'principal' | 'repaid' | 'outstanding', label: string) => {
      const m = parseMoney(get(k));
      if (typeof m === 'string') {
        reasons.push(`${label}：${m}`);
        return null;
      }
      return m;
    };
    const principalFen = money('principal', '放款金额');
    const repaidFen = money('repaid', '已还本金');
    const outstandingFen = money('outstanding', '贷款余额');
    const d = parseDate(get('disbursedOn'));
    if (d === 'bad') reasons.push('放款日期：格式不正确');
    if (seen.has(loanNo)) reasons.push(`贷款编号 ${loanNo} 重复`);
    if (reasons.length) {
      bad.push({ rowNo: r, reason: reasons.join('；') });
      continue;
    }
    seen.add(loanNo);
    rows.push({ rowNo: r, loanNo, borrower: cellText(get('borrower')) || null, principalFen, disbursedOn: d === 'bad' ? null : d, repaidFen, outstandingFen });
  }
  return { rows, bad };
}

export const statementService = {
  async import(db: Db, ctx: Ctx, q: { countyCode: string; statementDate: string; filename: string }, buffer: Buffer) {
    if (!coversCounty(ctx.scope, q.countyCode)) throw errors.outOfScope('该县');
    const { rows, bad } = await parseStatement(buffer);
    const actor = await actorOf(db, ctx);
    const id = await db.transaction().execute(async (tx) => {
      const imp = await tx
        .insertInto('loan_statement_import')
        .values({ county_code: q.countyCode, statement_date: q.statementDate, filename: q.filename, row_count: rows.length, bad_rows: JSON.stringify(bad), imported_by_name: actor.name })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < rows.length; i += 1000) {
        await tx
          .insertInto('loan_statement_line')
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              county_code: q.countyCode,
              import_id: imp.id,
              row_no: r.rowNo,
              loan_no: r.loanNo,
              borrower_name: r.borrower,
              principal_fen: r.principalFen,
              disbursed_on: r.disbursedOn,
              repaid_fen: r.repaidFen,
              outstanding_fen: r.outstandingFen,
            })),
          )
          .execute();
      }
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'import_statement',
        entity: 'loan_statement_import',
        entityId: imp.id,
        areaCode: q.countyCode,
        countyCode: q.countyCode,
        summary: `导入县信用联社对账单“${q.filename}”（截至 ${q.statementDate}，${rows.length} 笔${bad.length ? `，${bad.length} 行有误` : ''}）`,
      });
      return imp.id;
    });
    return this.result(db, ctx, id);
  },

  /** Every loan that differs between the statement and our records, and why. */
  async result(db: Db, ctx: Ctx, id: number) {
    const imp = await db
      .selectFrom('loan_statement_import as i')
      .selectAll('i')
      .where('i.id', '=', id)
      .where(scoped(ctx.scope, { area: 'i.county_code', county: 'i.county_code' }))
      .executeTakeFirst();
    if (!imp) throw errors.notFound('对账记录');
    const lines = await db.selectFrom('loan_statement_line').selectAll().where('county_code', '=', imp.county_code).where('import_id', '=', imp.id).execute();
    const ours = await db
      .selectFrom('loan as l')
      .select([
        'l.loan_no',
        'l.borrower_name',
        'l.principal_fen',
        'l.disbursed_on',
        (eb) =>
          eb
            .selectFrom('loan_repayment as r')
            .select(sql<number>`coalesce(sum(r.principal_fen), 0)::bigint`.as('s'))
            .whereRef('r.county_code', '=', 'l.county_code')
            .whereRef('r.loan_id', '=', 'l.id')
            .where('r.paid_on', '<=', imp.statement_date)
            .as('repaid_fen'),
      ])
      .where('l.county_code', '=', imp.county_code)
      .where('l.disbursed_on', '<=', imp.statement_date)
      .where(scoped(ctx.scope, { area: 'l.area_code', county: 'l.county_code' }))
      .execute();
    const byNo = new Map(ours.map((o) => [o.loan_no, o]));
    const items = [];
    let matched = 0;
    for (const s of lines) {
      const o = byNo.get(s.loan_no);
      byNo.delete(s.loan_no);
      const theirs = { principalFen: s.principal_fen, disbursedOn: s.disbursed_on, repaidFen: s.repaid_fen, outstandingFen: s.outstanding_fen };
      if (!o) {
        items.push({ loanNo: s.loan_no, borrowerName: s.borrower_name, ours: null, theirs, reasons: ['本系统无此贷款（未登记放款，或贷款编号不一致）'] });
        continue;
      }
      const repaid = Number(o.repaid_fen);
      const mine = { principalFen: o.principal_fen, disbursedOn: o.disbursed_on, repaidFen: repaid, outstandingFen: o.principal_fen - repaid };
      const reasons: string[] = [];
      if (s.principal_fen != null && s.principal_fen !== mine.principalFen) reasons.push(`放款金额不符：本系统 ${yuan(mine.principalFen)}，联社 ${yuan(s.principal_fen)}`);
      if (s.disbursed_on && s.disbursed_on !== mine.disbursedOn) reasons.push(`放款日期不符：本系统 ${mine.disbursedOn}，联社 ${s.disbursed_on}`);
      if (s.repaid_fen != null && s.repaid_fen !== mine.repaidFen) reasons.push(`截至 ${imp.statement_date} 已还本金不符：本系统 ${yuan(mine.repaidFen)}，联社 ${yuan(s.repaid_fen)}（可能有还款未登记或登记有误）`);
      if (s.outstanding_fen != null && s.outstanding_fen !== mine.outstandingFen) reasons.push(`贷款余额不符：本系统 ${yuan(mine.outstandingFen)}，联社 ${yuan(s.outstanding_fen)}`);
      if (s.borrower_name && s.borrower_name !== o.borrower_name) reasons.push(`借款人不符：本系统 ${o.borrower_name}，联社 ${s.borrower_name}`);
      if (reasons.length) items.push({ loanNo: s.loan_no, borrowerName: o.borrower_name, ours: mine, theirs, reasons });
      else matched++;
    }
    for (const o of byNo.values()) {
      const repaid = Number(o.repaid_fen);
      items.push({
        loanNo: o.loan_no,
        borrowerName: o.borrower_name,
        ours: { principalFen: o.principal_fen, disbursedOn: o.disbursed_on, repaidFen: repaid, outstandingFen: o.principal_fen - repaid },
        theirs: null,
        reasons: ['联社对账单无此贷款'],
      });
    }
    return {
      id: imp.id,
      statementDate: imp.statement_date,
      filename: imp.filename,
      importedByName: imp.imported_by_name,
      badRows: (typeof imp.bad_rows === 'string' ? JSON.parse(imp.bad_rows) : imp.bad_rows) as { rowNo: number; reason: string }[],
      summary: {
        statementRows: lines.length,
        ourLoans: ours.length,
        matched,
        differing: items.filter((i) => i.ours && i.theirs).length,
        missingInOurs: items.filter((i) => !i.ours).length,
        missingInStatement: items.filter((i) => !i.theirs).length,
      },
      items,
    };
  },
};
