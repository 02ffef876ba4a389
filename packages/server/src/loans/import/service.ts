/**
 * 历史贷款导入: loans made before the system, one transaction per row (a bad row writes nothing),
 * matched to the register by ID number within the caller's scope, idempotent on contract number
 * + county. The subsidies of these loans were settled under the old process: none is computed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import { can, type Ctx } from '../../http/context';
import { AppError, errors } from '../../http/errors';
import { looksLikeZip, readCsv, readXlsx, type Cell } from '../../registry/excel/read';
import { safeCell, workbookBuffer } from '../../registry/excel/xlsx';
import { normaliseHeader } from '../../registry/rules';
import { actorOf, iso, loanCalendar, nextNumber, scopeCounties, today, type Actor } from '../common';
import { loanRepo } from '../lending/repository';
import { recompute } from '../lending/service';
import { LOAN_IMPORT_COLUMNS, type LoanImportKey } from './columns';
import { parseRow, termMonths, type Parsed } from './parse';
import { importRepo } from './repository';
import type { LoanImportResult } from './schemas';

export const MAX_LOAN_IMPORT = 20 * 1024 * 1024;
export const IMPORTED_SUBSIDY_REASON = '历史贷款：贴息已按原办法结算，本系统不计算、不兑付';
const importErr = (message: string) => new AppError(400, 'E3210', message);

type Row = { rowNo: number; cells: Cell[]; values: Partial<Record<LoanImportKey, Cell>> };
type Verdict = 'created' | 'unchanged';

/** Coops lend household loans; the county credit union may also import for the whole county (第十三条). */
function assertImporter(ctx: Ctx, actor: Actor) {
  if (can(ctx, 'loan:disburse')) return;
  if (can(ctx, 'loan:review:county') && actor.orgKind === 'credit_union') return;
  throw errors.forbidden('loan:disburse');
}

async function* rowsOf(file: string): AsyncGenerator<Row> {
  const sheets = (await looksLikeZip(file)) ? readXlsx(file) : readCsv(file);
  for await (const sheet of sheets) {
    let map: (LoanImportKey | null)[] | null = null;
    let scanned = 0;
    for await (const r of sheet.rows) {
      if (!map) {
        // Title rows above the header are skipped: the header is the first row naming ID and contract.
        if (++scanned > 20) break;
        const heads = r.cells.map((c) => normaliseHeader(c == null ? '' : String(c)));
        const m = heads.map((h) => LOAN_IMPORT_COLUMNS.find((c) => normaliseHeader(c.header) === h)?.key ?? null);
        if (m.includes('idNumber') && m.includes('contractNo')) map = m;
        continue;
      }
      if (r.cells.every((c) => c == null || String(c).trim() === '')) continue;
      const values: Row['values'] = {};
      map.forEach((k, i) => {
        if (k) values[k] = r.cells[i] ?? null;
      });
      yield { rowNo: r.rowNo, cells: r.cells, values };
    }
    if (map) return; // the first sheet with a header is the data; the others (取值说明) are not read
  }
  throw importErr('文件中未找到表头（须含“身份证号”和“合同号”两列），请使用导入模板');
}

class RowError extends Error {}

async function importRow(db: Db, ctx: Ctx, actor: Actor, p: Parsed, on: string, cal: Awaited<ReturnType<typeof loanCalendar>>, fileName: string): Promise<Verdict> {
  const m = await importRepo.member(db, ctx.scope, p.idNumber);
  // Unknown and out-of-scope read the same: whether the person exists elsewhere is not ours to tell.
  if (!m) throw new RowError('本辖区的农户档案中没有该身份证号的成员');
  if (m.name !== p.name) throw new RowError(`借款人姓名“${p.name}”与档案中该身份证号的姓名不一致`);
  const existing = await importRepo.byContract(db, m.county_code, p.contractNo);
  if (existing) {
    const same =
      existing.origin === 'imported' &&
      existing.household_id === m.household_id &&
      existing.principal_fen === p.principalFen &&
      existing.disbursed_on === p.disbursedOn &&
      existing.maturity_date === p.maturityDate;
    if (same) return 'unchanged';
    throw new RowError(`合同号 ${p.contractNo} 在本县已有贷款，且内容与本行不同；已有的贷款不会被导入覆盖`);
  }
  const year = Number(p.disbursedOn.slice(0, 4));
  await db.transaction().execute(async (tx) => {
    const loanNo = await nextNumber(tx, m.county_code, 'DK', year);
    const loan = await loanRepo
      .insert(tx, {
        county_code: m.county_code,
        loan_no: loanNo,
        application_id: null,
        scheme_id: null,
        origin: 'imported',
        kind: 'household',
        year,
        area_code: m.area_code,
        township_code: m.township_code,
        household_id: m.household_id,
        borrower_name: m.name,
        industry: p.industry,
        production: p.production,
        principal_fen: p.principalFen,
        coop_rate_bp: p.rateBp,
        term_months: termMonths(p.disbursedOn, p.maturityDate),
        contract_no: p.contractNo,
        contract_date: p.disbursedOn,
        disbursed_on: p.disbursedOn,
        maturity_date: p.maturityDate,
        schedule_kind: 'bullet',
        outstanding_fen: p.principalFen,
        first_unpaid_due_on: p.maturityDate,
        first_unpaid_grace_on: cal.workingDayOnOrAfter(p.maturityDate),
        lender_org_name: actor.orgName,
        created_by: actor.id,
        created_by_name: actor.name,
      })
      .catch((e: { code?: string }) => {
        // The same contract imported at the same moment by someone else: that row is theirs.
        if (e.code === '23505') throw new RowError(`合同号 ${p.contractNo} 在本县已有贷款`);
        throw e;
      });
    await loanRepo.insertInstalments(tx, [
      { county_code: m.county_code, loan_id: loan.id, seq: 1, due_date: p.maturityDate, grace_date: cal.workingDayOnOrAfter(p.maturityDate), principal_fen: p.principalFen },
    ]);
    await loanRepo.insertSubsidy(tx, {
      county_code: m.county_code,
      loan_id: loan.id,
      status: 'not_applicable',
      payer: 'coop',
      rate_bp: 0,
      day_count_basis: 360,
      reason: IMPORTED_SUBSIDY_REASON,
    });
    await loanRepo.subsidyEvent(tx, {
      county_code: m.county_code,
      loan_id: loan.id,
      on_date: on,
      event: 'not_applicable',
      amount_fen: 0,
      document: fileName,
      note: IMPORTED_SUBSIDY_REASON,
      actor_name: actor.name,
    });
    if (p.repaidFen > 0) {
      await loanRepo.insertRepayment(tx, {
        county_code: m.county_code,
        loan_id: loan.id,
        paid_on: (p.closedOn ?? p.lastPaidOn)!,
        principal_fen: p.repaidFen,
        note: p.closedOn ? '历史贷款导入：结清' : '历史贷款导入：导入前累计已还本金',
        created_by: actor.id,
        created_by_name: actor.name,
      });
    }
    // Status (active / overdue / closed on time / closed late) follows from the schedule and the repayment.
    await recompute(tx, { county_code: m.county_code, id: loan.id }, on, actor.name, cal, fileName);
  });
  return 'created';
}

async function errorWorkbook(headers: Cell[], bad: { rowNo: number; cells: Cell[]; reason: string }[]) {
  return workbookBuffer((wb) => {
    const ws = wb.addWorksheet('错误行');
    const head = ws.addRow(['原行号', ...headers.map((h) => safeCell(h as never)), '错误原因']);
    head.font = { bold: true };
    for (const b of bad) ws.addRow([b.rowNo, ...b.cells.map((c) => safeCell(c as never)), b.reason]);
    ws.getColumn(headers.length + 2).width = 60;
  });
}

const toResult = (r: { id: number; filename: string; rows_total: number; created_count: number; unchanged_count: number; failed_count: number; created_at: unknown }): LoanImportResult => ({
  id: r.id,
  filename: r.filename,
  rowsTotal: r.rows_total,
  createdCount: r.created_count,
  unchangedCount: r.unchanged_count,
  failedCount: r.failed_count,
  errorFileUrl: r.failed_count > 0 ? `/api/loans/imports/${r.id}/errors.xlsx` : null,
  createdAt: iso(r.created_at),
});

export const loanImportService = {
  async template(db: Db): Promise<Buffer> {
    const industries = await importRepo.industries(db);
    return workbookBuffer((wb) => {
      const ws = wb.addWorksheet('历史贷款');
      ws.columns = LOAN_IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: Math.max(14, c.header.length * 2 + 4) }));
      ws.getRow(1).font = { bold: true };
      // Text-formatted ID and contract columns, so Excel does not turn IDs into 3.41E+17.
      ws.getColumn('idNumber').numFmt = '@';
      ws.getColumn('contractNo').numFmt = '@';
      const notes = wb.addWorksheet('取值说明');
      notes.columns = [
        { header: '列', key: 'col', width: 18 },
        { header: '是否必填', key: 'req', width: 10 },
        { header: '说明', key: 'note', width: 70 },
      ];
      notes.getRow(1).font = { bold: true };
      for (const c of LOAN_IMPORT_COLUMNS) notes.addRow({ col: c.header, req: c.required ? '必填' : '选填', note: c.note });
      notes.addRow({});
      notes.addRow({ col: '贷款用途/产业可选值', note: industries.map((i) => i.label).join('、') });
      notes.addRow({ col: '是否生产性可选值', note: '是、否' });
      notes.addRow({ col: '贴息', note: '历史贷款的贴息已按原办法结算，导入后本系统不计算、不兑付其贴息' });
    });
  },

  async run(db: Db, ctx: Ctx, body: Readable, filename: string): Promise<LoanImportResult> {
    const actor = await actorOf(db, ctx);
    assertImporter(ctx, actor);
    const counties = scopeCounties(ctx.scope);
    if (counties === 'all' || counties.length !== 1) throw importErr('历史贷款须由一个县范围内的信用社或县联社导入');
    const county = counties[0];
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'loan-import-'));
    const file = path.join(dir, 'upload');
    try {
      let size = 0;
      body.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_LOAN_IMPORT) body.destroy(new AppError(413, 'E3211', '文件超过 20 MB'));
      });
      await pipeline(body, fs.createWriteStream(file));
      const on = today();
      const cal = await loanCalendar(db);
      const industries = await importRepo.industries(db);
      const headers: Cell[] = LOAN_IMPORT_COLUMNS.map((c) => c.header);
      let headerCells: Cell[] | null = null;
      const bad: { rowNo: number; cells: Cell[]; reason: string }[] = [];
      const seen = new Set<string>();
      let total = 0;
      let created = 0;
      let unchanged = 0;
      for await (const row of rowsOf(file)) {
        total++;
        headerCells ??= headers;
        const parsed = parseRow(row.values, industries, on);
        if (!parsed.ok) {
          bad.push({ rowNo: row.rowNo, cells: row.cells, reason: parsed.reasons.join('；') });
          continue;
        }
        if (seen.has(parsed.p.contractNo)) {
          bad.push({ rowNo: row.rowNo, cells: row.cells, reason: `合同号 ${parsed.p.contractNo} 在本文件中重复` });
          continue;
        }
        seen.add(parsed.p.contractNo);
        try {
          const v = await importRow(db, ctx, actor, parsed.p, on, cal, filename);
          if (v === 'created') created++;
          else unchanged++;
        } catch (e) {
          if (!(e instanceof RowError)) throw e;
          bad.push({ rowNo: row.rowNo, cells: row.cells, reason: e.message });
        }
      }
      const errorFile = bad.length ? await errorWorkbook(headers, bad) : null;
      const rec = await db.transaction().execute(async (tx) => {
        const r = await importRepo.insertImport(tx, {
          county_code: county,
          filename,
          rows_total: total,
          created_count: created,
          unchanged_count: unchanged,
          failed_count: bad.length,
          error_file: errorFile,
          created_by: actor.id,
          created_by_name: actor.name,
        });
        await writeAudit(tx, ctx, {
          module: 'loan',
          action: 'import',
          entity: 'loan_import',
          entityId: r.id,
          countyCode: county,
          summary: `导入历史贷款“${filename}”：共 ${total} 行，新建 ${created} 笔，已导入过未变 ${unchanged} 笔，错误 ${bad.length} 行`,
          after: { filename, total, created, unchanged, failed: bad.length },
        });
        return r;
      });
      return toResult(rec);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  },

  async errorFile(db: Db, ctx: Ctx, id: number) {
    const r = await importRepo.getImport(db, scopeCounties(ctx.scope), ctx.user.id, id);
    if (!r || !r.error_file) throw errors.notFound('错误行文件');
    return { buffer: r.error_file, filename: `历史贷款导入错误行-${r.id}.xlsx` };
  },
};

