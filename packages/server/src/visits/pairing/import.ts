/**
 * 批量结对 from an Excel sheet (issue 5: "Bulk assignment from Excel"). Each row gets its own
 * verdict (openIMIS-style): rows that resolve and pass the pairing rules are applied through
 * the same command as a single pairing (its checks, its transaction, its operation-log row);
 * the others are reported with the reason, and nothing about them is written. `dryRun`
 * reports what would happen without writing anything.
 */
import ExcelJS from 'exceljs';
import { isIsoDate } from '@fupin/shared/date';
import type { Db, DbOrTx } from '../../db/db';
import type { Ctx } from '../../http/context';
import { AppError } from '../../http/errors';
import { todayInChinaString } from '../../jobs/time';
import { householdVisible, cadreVisible, type VisitAccess, accessOf } from '../access';
import { visitError } from '../common';
import { pairingRepo } from './repository';
import { pairingService } from './service';

export const IMPORT_MAX_ROWS = 5000;
export const IMPORT_COLUMNS = ['户编号', '户主', '帮扶责任人', '帮扶单位', '开始日期', '原因', '更换'] as const;

export type ImportRow = {
  row: number;
  householdNo: string;
  headName: string | null;
  cadreName: string;
  status: 'ok' | 'applied' | 'rejected';
  message: string | null;
};

function text(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('').trim();
  if (typeof v === 'object' && 'text' in v) return String(v.text).trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

function dateOf(v: ExcelJS.CellValue): string | null {
  if (v instanceof Date) {
    // Excel dates arrive as UTC midnight of the calendar day.
    return v.toISOString().slice(0, 10);
  }
  const s = text(v).replace(/[./年月]/g, '-').replace(/日$/, '');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return null;
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isIsoDate(d) ? d : null;
}

function findHouseholds(db: DbOrTx, access: VisitAccess, nos: string[]) {
  if (!nos.length) return Promise.resolve([]);
  return db
    .selectFrom('household as h')
    .select(['h.id', 'h.county_code', 'h.household_no', 'h.head_name'])
    .where('h.household_no', 'in', nos)
    .where((eb) => householdVisible(access, 'h')(eb))
    .execute();
}

function findCadres(db: DbOrTx, access: VisitAccess, names: string[]) {
  if (!names.length) return Promise.resolve([]);
  return db
    .selectFrom('cadre as c')
    .innerJoin('org as u', 'u.id', 'c.unit_org_id')
    .select(['c.id', 'c.county_code', 'c.name', 'c.status', 'u.name as unit_name'])
    .where('c.name', 'in', names)
    .where((eb) => cadreVisible(access, 'c')(eb))
    .execute();
}

export async function importPairings(db: Db, ctx: Ctx, body: Buffer, opts: { dryRun: boolean }) {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw visitError(400, 'E4150', '文件：不是有效的 Excel（.xlsx）文件');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw visitError(400, 'E4150', '文件：没有工作表');
  // The header is the first row that names 户编号 and 帮扶责任人 (a title row may come first).
  let headerRow = 0;
  const col: Partial<Record<(typeof IMPORT_COLUMNS)[number], number>> = {};
  for (let r = 1; r <= Math.min(ws.rowCount, 10) && !headerRow; r++) {
    const cells = ws.getRow(r).values as ExcelJS.CellValue[];
    const names = cells.map((c) => text(c));
    if (names.includes('户编号') && names.includes('帮扶责任人')) {
      headerRow = r;
      for (const c of IMPORT_COLUMNS) {
        const i = names.indexOf(c);
        if (i > 0) col[c] = i;
      }
    }
  }
  if (!headerRow) throw visitError(400, 'E4151', `表头：须有“户编号”“帮扶责任人”两列（可选：${IMPORT_COLUMNS.filter((c) => c !== '户编号' && c !== '帮扶责任人').join('、')}）`);
  const raw: { row: number; no: string; head: string; cadre: string; unit: string; date: ExcelJS.CellValue; reason: string; replace: string }[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (c: (typeof IMPORT_COLUMNS)[number]) => (col[c] ? row.getCell(col[c]!).value : null);
    const no = text(get('户编号'));
    const cadre = text(get('帮扶责任人'));
    if (!no && !cadre) continue;
    raw.push({ row: r, no, head: text(get('户主')), cadre, unit: text(get('帮扶单位')), date: get('开始日期'), reason: text(get('原因')), replace: text(get('更换')) });
  }
  if (raw.length > IMPORT_MAX_ROWS) throw visitError(400, 'E4152', `文件：一次最多导入 ${IMPORT_MAX_ROWS} 行，请分批`);

  const access = accessOf(ctx);
  const households = await findHouseholds(db, access, [...new Set(raw.map((r) => r.no).filter(Boolean))]);
  const cadres = await findCadres(db, access, [...new Set(raw.map((r) => r.cadre).filter(Boolean))]);
  const results: ImportRow[] = [];
  const seenHousehold = new Set<string>();
  for (const r of raw) {
    const base = { row: r.row, householdNo: r.no, headName: r.head || null, cadreName: r.cadre };
    const reject = (message: string) => results.push({ ...base, status: 'rejected', message });
    if (!r.no) {
      reject('户编号为空');
      continue;
    }
    if (!r.cadre) {
      reject('帮扶责任人为空');
      continue;
    }
    const hh = households.filter((h) => h.household_no === r.no);
    if (hh.length !== 1) {
      reject(hh.length ? '户编号在多个县重复，无法确定' : '户编号不存在或不在您的管辖范围内');
      continue;
    }
    const h = hh[0];
    if (r.head && h.head_name && r.head !== h.head_name) {
      reject(`户主姓名与档案不符（档案为 ${h.head_name}）`);
      continue;
    }
    if (seenHousehold.has(`${h.county_code}:${h.id}`)) {
      reject('同一户在表中出现多次');
      continue;
    }
    seenHousehold.add(`${h.county_code}:${h.id}`);
    const candidates = cadres.filter((c) => c.name === r.cadre && c.county_code === h.county_code && (!r.unit || c.unit_name === r.unit));
    if (candidates.length !== 1) {
      reject(candidates.length ? `同名帮扶干部有 ${candidates.length} 人，请填写帮扶单位` : `找不到帮扶干部 ${r.cadre}${r.unit ? `（${r.unit}）` : ''}，请先登记干部`);
      continue;
    }
    const c = candidates[0];
    const startDate = r.date === null || r.date === undefined || text(r.date) === '' ? todayInChinaString() : dateOf(r.date);
    if (!startDate) {
      reject(`开始日期“${text(r.date)}”无法识别，应为 YYYY-MM-DD`);
      continue;
    }
    const replace = ['是', '更换', 'Y', 'y', 'yes', 'true', '1'].includes(r.replace);
    const reason = r.reason || '批量结对导入';
    if (opts.dryRun) {
      if (c.status !== 'active') {
        reject(`帮扶干部 ${c.name} 不在岗，不能结对`);
        continue;
      }
      const history = await pairingRepo.history(db, h.county_code, h.id);
      const current = history.find((p) => p.end_date === null);
      if (current && current.cadre_id === c.id) reject(`已由 ${c.name} 结对帮扶`);
      else if (current && !replace) reject(`已有帮扶责任人 ${current.cadre_name}；如需更换，“更换”列填“是”`);
      else results.push({ ...base, headName: h.head_name, status: 'ok', message: current ? `将更换 ${current.cadre_name} → ${c.name}` : null });
      continue;
    }
    try {
      await pairingService.createPairing(db, ctx, { householdId: h.id, cadreId: c.id, startDate, reason, replace });
      results.push({ ...base, headName: h.head_name, status: 'applied', message: null });
    } catch (e) {
      if (e instanceof AppError) reject(e.message);
      else throw e;
    }
  }
  return {
    dryRun: opts.dryRun,
    total: results.length,
    applied: results.filter((r) => r.status === 'applied').length,
    ok: results.filter((r) => r.status === 'ok').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    rows: results,
  };
}


/** The template a station fills in. */
export async function importTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('结对名单');
  ws.addRow([...IMPORT_COLUMNS]).font = { bold: true };
  ws.addRow(['341202001001000001', '张三', '李帮扶', '区交通运输局', '2026-01-01', '年度结对安排', '否']);
  [22, 10, 12, 20, 12, 20, 8].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const help = wb.addWorksheet('说明');
  for (const line of ['户编号、帮扶责任人必填；户主可填，用于核对。', '同名的帮扶干部须填帮扶单位；干部须先在“帮扶干部”中登记。', '开始日期不填为今天，格式 YYYY-MM-DD。', '该户已有帮扶责任人而要更换时，“更换”填“是”：原结对在开始日期前一天结束。', '先“预检”看每行结果，再正式导入；有问题的行不会写入。'])
    help.addRow([line]);
  help.getColumn(1).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
