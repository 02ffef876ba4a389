import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  fromDayNumber,
  isIsoDate,
  parseIsoDate,
  toDayNumber,
  todayInChina,
  weekdayOf,
} from './date';
import { seededRandom } from './testing/random';

describe('calendar dates', () => {
  it('agrees with UTC date arithmetic for random dates, both ways', () => {
    const rnd = seededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const y = rnd.int(1600, 2400);
      const m = rnd.int(1, 12);
      const utc = new Date(Date.UTC(y, m - 1, rnd.int(1, 28)));
      const iso = utc.toISOString().slice(0, 10);
      expect(toDayNumber(iso)).toBe(utc.getTime() / 86_400_000);
      expect(fromDayNumber(toDayNumber(iso))).toBe(iso);
      expect(weekdayOf(iso)).toBe(utc.getUTCDay());
    }
  });

  it('knows which days exist', () => {
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-5')).toBe(false);
    expect(isIsoDate('2026-01-05T00:00:00Z')).toBe(false);
    expect(parseIsoDate('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it('counts calendar days across month, year and leap-day boundaries', () => {
    expect(daysBetween('2026-01-10', '2027-01-10')).toBe(365);
    expect(daysBetween('2027-06-01', '2028-06-01')).toBe(366);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('refuses an invalid date with a Chinese message', () => {
    expect(() => toDayNumber('2026-02-30')).toThrow(/日期“2026-02-30”无效/);
  });

  it('gives the date in China, which turns over at 16:00 UTC', () => {
    expect(todayInChina(new Date('2026-11-28T15:59:59.999Z'))).toBe('2026-11-28');
    expect(todayInChina(new Date('2026-11-28T16:00:00.000Z'))).toBe('2026-11-29');
    expect(todayInChina(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });
});
