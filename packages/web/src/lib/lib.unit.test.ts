import { describe, expect, it } from 'vitest';
import { diffRows, showValue } from '../modules/system/audit/diff';
import { toCsv } from './csv';
import { changedFields, stripBlanks } from './form';
import { formatDate, formatYuan, formatYuanText, maskIdNumber, maskPhone } from './format';

describe('csv', () => {
  it('starts with a BOM, quotes what needs quoting and neutralises formulas', () => {
    const csv = toCsv(['姓名', '备注'], [
      ['张三', 'a,b'],
      ['李"四', '=1+1'],
      [null, 5],
    ]);
    expect(csv.startsWith('\uFEFF姓名,备注\r\n')).toBe(true);
    expect(csv).toContain('张三,"a,b"\r\n');
    expect(csv).toContain('"李""四",\'=1+1\r\n');
    expect(csv).toContain(',5\r\n');
  });
});

describe('form helpers', () => {
  it('drops empty strings but keeps null (a PATCH clears with null)', () => {
    expect(stripBlanks({ a: '', b: null, c: 0, d: undefined, e: 'x' })).toEqual({ b: null, c: 0, e: 'x' });
  });
  it('sends only changed fields, comparing arrays by value', () => {
    expect(changedFields({ name: 'a', roles: ['x', 'y'], phone: null }, { name: 'a', roles: ['x', 'y'], phone: null })).toEqual({});
    expect(changedFields({ name: 'a', roles: ['x'] }, { name: 'b', roles: ['x', 'y'] })).toEqual({ name: 'b', roles: ['x', 'y'] });
  });
});

describe('format', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatYuan(2000050)).toBe('20,000.50');
    expect(formatYuan(5, { thousands: false })).toBe('0.05');
    expect(formatYuanText(100)).toBe('1.00 元');
    expect(formatYuan(null)).toBe('');
  });
  it('keeps plain dates as they are (no time-zone shift)', () => {
    expect(formatDate('2026-01-01')).toBe('2026-01-01');
    expect(formatDate(null)).toBe('');
  });
  it('masks phones and ID numbers', () => {
    expect(maskPhone('13800001234')).toBe('138****1234');
    expect(maskPhone('138****1234')).toBe('138****1234');
    expect(maskIdNumber('341122199001011234')).toBe('3411**********1234');
  });
});

describe('audit diff', () => {
  it('lists every field of before and after and marks the changed ones', () => {
    const rows = diffRows({ name: '甲', sort: 1, tags: ['a'] }, { name: '乙', sort: 1, tags: ['a'], extra: true });
    expect(rows.map((r) => [r.field, r.changed])).toEqual([
      ['name', true],
      ['sort', false],
      ['tags', false],
      ['extra', true],
    ]);
    expect(diffRows(null, null)).toEqual([]);
    expect(showValue(null)).toBe('（空）');
    expect(showValue(false)).toBe('否');
  });
});
