import { describe, expect, it } from 'vitest';
import { addDays } from './date';
import { subsidyFen, type SubsidyInput } from './subsidy';
import { seededRandom } from './testing/random';

const loan: SubsidyInput = {
  principalFen: 2_000_000,
  annualRateBp: 258,
  startDate: '2026-01-10',
  endDate: '2027-01-10',
  dayCountBasis: 360,
};

describe('subsidyFen', () => {
  it('20,000 yuan at 2.58% for 365 days on a 360-day basis: 523.1666… → 523.17', () => {
    expect(subsidyFen(loan)).toEqual({
      fen: 52_317,
      days: 365,
      formula: '20000.00元 × 2.58% × 365天 ÷ 360 = 523.17元',
    });
  });

  it('the same loan on a 365-day basis earns exactly the annual rate: 516.00', () => {
    expect(subsidyFen({ ...loan, dayCountBasis: 365 })).toMatchObject({ fen: 51_600, days: 365 });
  });

  it('rounds an exact half fen up: 15,000 × 2.58% × 183 ÷ 360 = 196.725 → 196.73', () => {
    const result = subsidyFen({ ...loan, principalFen: 1_500_000, startDate: '2026-03-01', endDate: '2026-08-31' });
    expect(result).toEqual({ fen: 19_673, days: 183, formula: '15000.00元 × 2.58% × 183天 ÷ 360 = 196.73元' });
  });

  it('counts 29 February: 2027-06-01 → 2028-06-01 is 366 days', () => {
    // 10,000 × 2.58% × 366 ÷ 365 = 258.7068… → 258.71
    expect(subsidyFen({ ...loan, principalFen: 1_000_000, startDate: '2027-06-01', endDate: '2028-06-01', dayCountBasis: 365 })).toMatchObject({
      fen: 25_871,
      days: 366,
    });
  });

  it('shows whole-percent rates with two decimals', () => {
    expect(subsidyFen({ ...loan, annualRateBp: 300 }).formula).toMatch(/ × 3\.00% × /);
    expect(subsidyFen({ ...loan, annualRateBp: 5 }).formula).toMatch(/ × 0\.05% × /);
  });

  it('pays nothing for a loan repaid the day it started', () => {
    expect(subsidyFen({ ...loan, endDate: loan.startDate })).toEqual({
      fen: 0,
      days: 0,
      formula: '20000.00元 × 2.58% × 0天 ÷ 360 = 0.00元',
    });
  });

  it('refuses impossible parameters instead of guessing', () => {
    expect(() => subsidyFen({ ...loan, endDate: '2026-01-09' })).toThrow(/早于开始日期/);
    expect(() => subsidyFen({ ...loan, dayCountBasis: 366 as never })).toThrow(/360 或 365/);
    expect(() => subsidyFen({ ...loan, annualRateBp: 2.58 })).toThrow(/基点/);
    expect(() => subsidyFen({ ...loan, principalFen: -1 })).toThrow(/非负整数/);
    expect(() => subsidyFen({ ...loan, startDate: '2026-02-30' })).toThrow(/无效/);
  });

  it('is never negative and grows with days and with principal', () => {
    const rnd = seededRandom(258);
    for (let i = 0; i < 500; i++) {
      const base: SubsidyInput = {
        principalFen: rnd.int(0, 10_000_000),
        annualRateBp: rnd.int(0, 1000),
        startDate: rnd.date('2020-01-01', '2027-12-31'),
        endDate: '',
        dayCountBasis: rnd.pick([360, 365] as const),
      };
      const days = rnd.int(0, 800);
      const input = { ...base, endDate: addDays(base.startDate, days) };
      const result = subsidyFen(input);
      expect(result.fen).toBeGreaterThanOrEqual(0);
      expect(result.days).toBe(days);
      expect(subsidyFen({ ...input, endDate: addDays(input.endDate, rnd.int(1, 30)) }).fen).toBeGreaterThanOrEqual(result.fen);
      expect(subsidyFen({ ...input, principalFen: input.principalFen + rnd.int(1, 100_000) }).fen).toBeGreaterThanOrEqual(result.fen);
    }
  });
});
