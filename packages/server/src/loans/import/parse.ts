/** One row of the 历史贷款 sheet → a loan to create, or every reason it cannot be (pure: no database). */
import { parseYuan } from '@fupin/shared';
import { yuan } from '../common';
import type { Cell } from '../../registry/excel/read';
import { normaliseCellText, parseImportId, parseLooseDate, parseYesNo } from '../../registry/rules';
import type { LoanImportKey } from './columns';

export const text = (v: Cell | undefined) => (v == null ? '' : normaliseCellText(String(v)));

/** 4.35% / 4.35 / 0.0435 → 435 basis points. */
export function parseRateBp(v: Cell | undefined): { ok: true; bp: number } | { ok: false; reason: string } {
  if (v == null || v === '') return { ok: false, reason: '年利率不能为空' };
  const s = normaliseCellText(String(v)).replace(/\s/g, '');
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(s);
  if (!m) return { ok: false, reason: `年利率“${s}”格式不正确，应如 4.35% 或 4.35` };
  let pct = Number(m[1]);
  if (!m[2] && typeof v === 'number' && pct < 1) pct *= 100; // Excel percent cells arrive as fractions
  const bp = Math.round(pct * 100);
  if (Math.abs(bp - pct * 100) > 1e-6) return { ok: false, reason: '年利率最多两位小数（如 4.35%）' };
  if (bp < 0 || bp > 10000) return { ok: false, reason: '年利率应在 0–100% 之间' };
  return { ok: true, bp };
}

/** Whole months from disbursement to maturity, a started month counting as one. */
export function termMonths(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number);
  const [y2, m2, d2] = to.split('-').map(Number);
  return Math.max(1, (y2 - y1) * 12 + (m2 - m1) + (d2 > d1 ? 1 : 0));
}

export type Parsed = {
  name: string;
  idNumber: string;
  principalFen: number;
  rateBp: number;
  disbursedOn: string;
  maturityDate: string;
  repaidFen: number;
  closedOn: string | null;
  lastPaidOn: string | null;
  industry: string;
  production: boolean;
  contractNo: string;
};

export function parseRow(v: Partial<Record<LoanImportKey, Cell>>, industries: { code: string; label: string }[], on: string): { ok: true; p: Parsed } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  const req = (k: LoanImportKey, label: string) => {
    const s = text(v[k]);
    if (!s) reasons.push(`${label}不能为空`);
    return s;
  };
  const name = req('name', '借款人姓名');
  const id = parseImportId(v.idNumber ?? null);
  if (!id.ok) reasons.push(id.reason);
  const money = (k: LoanImportKey, label: string, required: boolean) => {
    const c = v[k];
    if (c == null || text(c) === '') {
      if (required) reasons.push(`${label}不能为空`);
      return null;
    }
    const r = parseYuan(typeof c === 'number' ? c : text(c));
    if (!r.ok) {
      reasons.push(`${label}：${r.reason}`);
      return null;
    }
    return r.fen;
  };
  const principalFen = money('principal', '贷款金额（元）', true);
  if (principalFen === 0) reasons.push('贷款金额（元）须大于 0');
  const repaid = money('repaid', '已还本金（元）', false);
  const rate = parseRateBp(v.rate);
  if (!rate.ok) reasons.push(rate.reason);
  const date = (k: LoanImportKey, label: string, required: boolean) => {
    const c = v[k];
    if (c == null || text(c) === '') {
      if (required) reasons.push(`${label}不能为空`);
      return null;
    }
    const r = parseLooseDate(c);
    if (!r.ok) {
      reasons.push(`${label}：${r.reason}`);
      return null;
    }
    if (r.date > on) reasons.push(`${label}不能晚于今天`);
    return r.date;
  };
  const disbursedOn = date('disbursedOn', '发放日期', true);
  const maturity = v.maturityDate == null || text(v.maturityDate) === '' ? null : parseLooseDate(v.maturityDate);
  if (!maturity) reasons.push('到期日期不能为空');
  else if (!maturity.ok) reasons.push(`到期日期：${maturity.reason}`);
  const maturityDate = maturity?.ok ? maturity.date : null;
  if (disbursedOn && maturityDate && maturityDate <= disbursedOn) reasons.push(`到期日期 ${maturityDate} 须晚于发放日期 ${disbursedOn}`);
  const closedOn = date('closedOn', '结清日期', false);
  const lastPaidOn = date('lastPaidOn', '最近还款日期', false);
  if (disbursedOn && closedOn && closedOn < disbursedOn) reasons.push('结清日期不能早于发放日期');
  if (disbursedOn && lastPaidOn && lastPaidOn < disbursedOn) reasons.push('最近还款日期不能早于发放日期');
  if (principalFen && repaid != null && repaid > principalFen) reasons.push(`已还本金 ${yuan(repaid)} 超过贷款金额 ${yuan(principalFen)}`);
  if (principalFen && closedOn && repaid != null && repaid !== principalFen) reasons.push('已填结清日期，已还本金须等于贷款金额（或不填）');
  if (principalFen && !closedOn && repaid === principalFen) reasons.push('已还清的贷款须填写结清日期');
  if (!closedOn && repaid && !lastPaidOn) reasons.push('部分还款须填写最近还款日期');
  const indText = req('industry', '贷款用途/产业');
  const ind = indText ? industries.find((i) => i.label === indText || i.code === indText) : undefined;
  if (indText && !ind) reasons.push(`贷款用途/产业“${indText}”不在可选值之内（见模板“取值说明”表）`);
  const prodCell = v.production;
  const prod = parseYesNo(prodCell ?? null);
  if (!prod.ok) reasons.push(`是否生产性：${prod.reason}`);
  else if (prod.value === null) reasons.push('是否生产性不能为空');
  const contractNo = req('contractNo', '合同号');
  if (contractNo.length > 64) reasons.push('合同号不能超过64个字符');
  if (reasons.length) return { ok: false, reasons };
  return {
    ok: true,
    p: {
      name,
      idNumber: (id as { number: string }).number,
      principalFen: principalFen!,
      rateBp: (rate as { bp: number }).bp,
      disbursedOn: disbursedOn!,
      maturityDate: maturityDate!,
      repaidFen: closedOn ? principalFen! : (repaid ?? 0),
      closedOn,
      lastPaidOn: closedOn ? null : lastPaidOn,
      industry: ind!.code,
      production: (prod as { value: boolean }).value,
      contractNo,
    },
  };
}

