import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCalendar } from './calendar';
import { addDays, weekdayOf } from './date';
import { seededRandom } from './testing/random';

const cal = createCalendar();

describe('published schedule (chinese-days 1.5.7)', () => {
  // The data: National Day 2026-10-01..07 off, Mid-Autumn 09-25..27 off,
  // Sunday 09-20 and Saturday 10-10 worked in exchange.
  it('National Day 2026: five working days after Monday 28 September end on the worked Saturday 10 October', () => {
    expect(cal.addWorkingDays('2026-09-28', 5)).toBe('2026-10-10');
    expect(cal.dayInfo('2026-10-10')).toEqual({
      date: '2026-10-10',
      working: true,
      source: 'adjusted-workday',
      name: '国庆节',
    });
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.dayInfo('2026-09-25')).toMatchObject({ working: false, source: 'statutory-holiday', name: '中秋' });
    expect(cal.workingDaysBetween('2026-09-28', '2026-10-10')).toBe(5);
  });

  // The data: 2026-02-15 (Sun) .. 02-23 (Mon) off; Saturdays 02-14 and 02-28 worked.
  it('Spring Festival 2026: the station’s 5-working-day limit runs over the worked Saturday and the holiday', () => {
    expect(cal.isWorkingDay('2026-02-14')).toBe(true);
    expect(cal.isWorkingDay('2026-02-23')).toBe(false);
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    // Application received Thursday 12 February: 13th, 14th (Sat), 24th, 25th, 26th.
    expect(cal.addWorkingDays('2026-02-12', 5)).toBe('2026-02-26');
    expect(cal.nextWorkingDay('2026-02-14')).toBe('2026-02-24');
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6);
  });

  it('lists every adjusted working day on a weekend and covers 2004–2026', () => {
    for (let d = '2004-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      const info = cal.dayInfo(d);
      if (info.source === 'adjusted-workday') expect([0, 6], d).toContain(weekdayOf(d));
      if (info.source === 'weekend') expect(info.working).toBe(false);
    }
    expect(cal.hasPublishedSchedule(2004)).toBe(true);
    expect(cal.hasPublishedSchedule(2026)).toBe(true);
    expect(cal.hasPublishedSchedule(2027)).toBe(false);
  });
});

describe('n = 0 and negative n', () => {
  it('n = 0 keeps a working day and moves a holiday forward', () => {
    expect(cal.addWorkingDays('2026-10-08', 0)).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-10-01', 0)).toBe('2026-10-08');
    expect(cal.workingDayOnOrAfter('2026-10-03')).toBe('2026-10-08');
  });

  it('negative n counts back to the n-th working day before', () => {
    expect(cal.addWorkingDays('2026-10-08', -1)).toBe('2026-09-30');
    expect(cal.addWorkingDays('2026-10-10', -5)).toBe('2026-09-28');
  });
});

describe('administrator overrides', () => {
  it('fill in a year the package does not know yet (2027)', () => {
    // 2027-10-01 is a Friday; without the State Council's schedule it counts as a working day.
    expect(cal.isWorkingDay('2027-10-01')).toBe(true);
    const with2027 = createCalendar([
      { date: '2027-10-01', kind: 'holiday', note: '国庆节' },
      { date: '2027-09-25', kind: 'workday', note: '国庆节调休上班' },
    ]);
    expect(with2027.dayInfo('2027-10-01')).toEqual({ date: '2027-10-01', working: false, source: 'override', name: '国庆节' });
    expect(with2027.addWorkingDays('2027-09-30', 1)).toBe('2027-10-04');
    expect(with2027.isWorkingDay('2027-09-25')).toBe(true);
  });

  it('win over the published schedule', () => {
    const corrected = createCalendar([
      { date: '2026-10-10', kind: 'holiday' },
      { date: '2026-10-07', kind: 'workday' },
    ]);
    expect(corrected.isWorkingDay('2026-10-10')).toBe(false);
    expect(corrected.addWorkingDays('2026-09-28', 3)).toBe('2026-10-07');
    expect(corrected.addWorkingDays('2026-09-28', 5)).toBe('2026-10-09');
  });

  it('are refused, naming the row, when malformed or contradictory', () => {
    expect(() => createCalendar([{ date: '2027-02-30', kind: 'holiday' }])).toThrow(/第 1 行.*2027-02-30/);
    expect(() =>
      createCalendar([
        { date: '2027-10-01', kind: 'holiday' },
        { date: '2027-10-01', kind: 'workday' },
      ]),
    ).toThrow(/第 2 行.*同时被设为上班和放假/);
    expect(() => createCalendar([{ date: '2027-10-01', kind: 'off' as never }])).toThrow(/类型必须是/);
    expect(() => createCalendar([{ date: '2027-10-01', kind: 'holiday' }, { date: '2027-10-01', kind: 'holiday' }])).not.toThrow();
  });
});

describe('input checks', () => {
  it('refuses invalid dates and non-integer counts', () => {
    expect(() => cal.isWorkingDay('2026-02-29')).toThrow(/无效/);
    expect(() => cal.addWorkingDays('2026-10-08', 1.5)).toThrow(/整数/);
    expect(() => cal.addWorkingDays('2026-10-08', 1e9)).toThrow(/整数/);
  });
});

describe('properties', () => {
  const rnd = seededRandom(20261001);
  const withOverrides = createCalendar([
    { date: '2027-01-01', kind: 'holiday' },
    { date: '2027-02-06', kind: 'workday' },
  ]);

  it('addWorkingDays lands on a working day strictly after the start, exactly n working days later', () => {
    for (const c of [cal, withOverrides]) {
      for (let i = 0; i < 400; i++) {
        const start = rnd.date('2004-01-01', '2027-12-31');
        const n = rnd.int(1, 40);
        const end = c.addWorkingDays(start, n);
        expect(c.isWorkingDay(end)).toBe(true);
        expect(end > start).toBe(true);
        expect(c.workingDaysBetween(start, end)).toBe(n);
      }
    }
  });

  it('n = 0 gives the first working day on or after the start', () => {
    for (let i = 0; i < 300; i++) {
      const start = rnd.date('2004-01-01', '2027-12-31');
      const end = cal.addWorkingDays(start, 0);
      expect(cal.isWorkingDay(end)).toBe(true);
      for (let d = start; d < end; d = addDays(d, 1)) expect(cal.isWorkingDay(d)).toBe(false);
    }
  });

  it('counting back from a working day mirrors counting forward', () => {
    for (let i = 0; i < 300; i++) {
      const start = cal.workingDayOnOrAfter(rnd.date('2004-01-01', '2027-12-31'));
      const n = rnd.int(1, 40);
      const earlier = cal.addWorkingDays(start, -n);
      expect(cal.isWorkingDay(earlier)).toBe(true);
      expect(cal.workingDaysBetween(start, earlier)).toBe(-n);
      expect(cal.addWorkingDays(earlier, n)).toBe(start);
    }
  });

  it('workingDaysBetween is antisymmetric and additive', () => {
    for (let i = 0; i < 300; i++) {
      const [a, b, c] = [0, 1, 2].map(() => rnd.date('2025-06-01', '2027-06-30'));
      expect(cal.workingDaysBetween(a, b)).toBe(-cal.workingDaysBetween(b, a));
      expect(cal.workingDaysBetween(a, b) + cal.workingDaysBetween(b, c)).toBe(cal.workingDaysBetween(a, c));
    }
  });
});

describe('time zones', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('gives the same answers in a browser west of UTC', async () => {
    vi.stubEnv('TZ', 'America/New_York');
    // Re-evaluate our modules under the new zone, so any local-time shortcut shows up.
    vi.resetModules();
    const fresh = await import('./calendar');
    const calendar = fresh.createCalendar();
    expect(calendar.addWorkingDays('2026-09-28', 5)).toBe('2026-10-10');
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(calendar.dayInfo('2026-10-01')).toMatchObject({ working: false, name: '国庆节' });
    expect(fresh.todayInChina(new Date('2026-11-28T16:00:00Z'))).toBe('2026-11-29');
  });
});
