import { describe, expect, it } from 'vitest';
import { countedDaysMask, daysInMask, lastDayInMask, monthRange, pairingDaysMask } from './rules';

/** The masks the engine reads from visit_day_tally, checked against a day-by-day count. */
const bits = (days: number[]) => days.reduce((m, d) => m | (1 << (d - 1)), 0);
const dayList = (mask: number) => Array.from({ length: 31 }, (_, i) => i + 1).filter((d) => mask & (1 << (d - 1)));

describe('pairing day masks', () => {
  const aug = monthRange('2026-08');
  it('a pairing through the whole month covers 31 days, day 31 included, and stays positive', () => {
    const m = pairingDaysMask(aug, '2025-01-01', null);
    expect(daysInMask(m)).toBe(31);
    expect(m).toBeGreaterThan(0);
    expect(lastDayInMask(m)).toBe(31);
  });
  it('starting and ending inside the month (inclusive both ends)', () => {
    expect(dayList(pairingDaysMask(aug, '2026-08-15', null))).toEqual(Array.from({ length: 17 }, (_, i) => i + 15));
    expect(dayList(pairingDaysMask(aug, '2026-07-01', '2026-08-14'))).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(dayList(pairingDaysMask(aug, '2026-08-10', '2026-08-10'))).toEqual([10]);
  });
  it('outside the month, and a same-day correction (end = start − 1), cover nothing', () => {
    expect(pairingDaysMask(aug, '2026-09-01', null)).toBe(0);
    expect(pairingDaysMask(aug, '2026-06-01', '2026-07-31')).toBe(0);
    expect(pairingDaysMask(aug, '2026-08-10', '2026-08-09')).toBe(0);
  });
  it('February of a leap year ends on the 29th', () => {
    const feb = monthRange('2028-02');
    expect(lastDayInMask(pairingDaysMask(feb, '2028-01-01', null))).toBe(29);
  });
});

describe('counted days', () => {
  const row = { home_days: bits([1, 5, 31]), phone_days: bits([5, 9]), other_days: bits([20]) };
  it('only the rule’s counted kinds; two kinds on one day are one day', () => {
    expect(daysInMask(countedDaysMask(row, ['home']))).toBe(3);
    expect(daysInMask(countedDaysMask(row, ['home', 'phone']))).toBe(4);
    expect(daysInMask(countedDaysMask(row, []))).toBe(0);
  });
  it('visits of a cadre outside their pairing days are masked out', () => {
    const aug = monthRange('2026-08');
    const mine = countedDaysMask(row, ['home']) & pairingDaysMask(aug, '2026-08-02', '2026-08-30');
    expect(dayList(mine)).toEqual([5]);
    expect(lastDayInMask(mine)).toBe(5);
  });
});
