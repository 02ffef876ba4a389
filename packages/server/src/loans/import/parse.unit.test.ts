import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import { parseRateBp, parseRow, termMonths } from './parse';

const INDUSTRIES = [{ code: 'livestock', label: '畜牧' }];
const ID = makeIdNumber('341202', '1980-05-01', 1);
const base = { name: '张三', idNumber: ID, principal: '20000', rate: '4.35%', disbursedOn: '2024-03-05', maturityDate: '2025-03-05', industry: '畜牧', production: '是', contractNo: 'HT-1' };
const reasons = (v: Record<string, unknown>) => {
  const r = parseRow(v as never, INDUSTRIES, '2026-01-01');
  return r.ok ? '' : r.reasons.join('\n');
};

describe('historical loan rows', () => {
  it('rates: percent text, bare number, Excel percent cell', () => {
    expect(parseRateBp('4.35%')).toEqual({ ok: true, bp: 435 });
    expect(parseRateBp('４.３５％')).toEqual({ ok: true, bp: 435 });
    expect(parseRateBp(4.35)).toEqual({ ok: true, bp: 435 });
    expect(parseRateBp(0.0435)).toEqual({ ok: true, bp: 435 });
    expect(parseRateBp('4.355%').ok).toBe(false);
    expect(parseRateBp('四厘').ok).toBe(false);
  });

  it('term: whole months, a started month counting', () => {
    expect(termMonths('2024-03-05', '2025-03-05')).toBe(12);
    expect(termMonths('2024-03-05', '2025-03-06')).toBe(13);
    expect(termMonths('2024-03-05', '2024-03-20')).toBe(1);
  });

  it('a good row: yuan to fen exactly, dotted dates, dictionary label to code', () => {
    const r = parseRow({ ...base, principal: '20,000.50', disbursedOn: '2024.03.05' } as never, INDUSTRIES, '2026-01-01');
    expect(r).toMatchObject({ ok: true, p: { principalFen: 2_000_050, disbursedOn: '2024-03-05', industry: 'livestock', production: true, repaidFen: 0, closedOn: null } });
  });

  it('closed: repaid defaults to the principal; partial repayment needs its date', () => {
    expect(parseRow({ ...base, closedOn: '2025-02-01' } as never, INDUSTRIES, '2026-01-01')).toMatchObject({ ok: true, p: { repaidFen: 2_000_000, closedOn: '2025-02-01' } });
    expect(reasons({ ...base, repaid: '5000' })).toContain('部分还款须填写最近还款日期');
    expect(reasons({ ...base, repaid: '20000' })).toContain('已还清的贷款须填写结清日期');
    expect(reasons({ ...base, repaid: '30000' })).toMatch(/超过贷款金额/);
  });

  it('refuses three decimals, maturity before disbursement, future dates, unknown industry, blank fields', () => {
    expect(reasons({ ...base, principal: '100.005' })).toMatch(/两位小数/);
    expect(reasons({ ...base, maturityDate: '2024-03-01' })).toMatch(/须晚于发放日期/);
    expect(reasons({ ...base, disbursedOn: '2026-02-01', maturityDate: '2027-02-01' })).toContain('发放日期不能晚于今天');
    expect(reasons({ ...base, industry: '养鱼' })).toMatch(/不在可选值之内/);
    expect(reasons({ ...base, contractNo: '' })).toContain('合同号不能为空');
    expect(reasons({ ...base, idNumber: 3.41202198005010016e17 })).toMatch(/被 Excel 保存为数字/);
  });
});
