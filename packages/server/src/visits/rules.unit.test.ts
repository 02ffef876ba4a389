import { describe, expect, it } from 'vitest';
import { addDays } from '@fupin/shared/date';
import {
  DEFAULT_VISIT_RULE,
  addMonths,
  aggregateRate,
  evaluateAttendance,
  evaluateHouseholdMonth,
  formatRate,
  monthRange,
  monthsOfYear,
  quarterOf,
  reportDueDate,
  reportState,
  requiredVisits,
  visitDateProblem,
  visitDayDate,
  type HouseholdMonthInput,
  type Outcome,
  type PairingSpan,
} from './rules';

const rule = DEFAULT_VISIT_RULE;
const pair = (over: Partial<PairingSpan> = {}): PairingSpan => ({
  cadreId: 1,
  unitOrgId: 10,
  cadreStatus: 'active',
  cadreStatusSince: null,
  start: '2020-01-01',
  end: null,
  ...over,
});
const hh = (over: Partial<HouseholdMonthInput> = {}): HouseholdMonthInput => ({
  householdStatus: 'identified',
  pairings: [pair()],
  countedVisitDays: 0,
  exemptions: [],
  ...over,
});

describe('months', () => {
  it('knows month boundaries, including February of leap years', () => {
    expect(monthRange('2026-08')).toMatchObject({ first: '2026-08-01', last: '2026-08-31', days: 31 });
    expect(monthRange('2024-02')).toMatchObject({ last: '2024-02-29', days: 29 });
    expect(monthRange('2026-02')).toMatchObject({ last: '2026-02-28', days: 28 });
    expect(() => monthRange('2026-13')).toThrow(/月份/);
    expect(() => monthRange('2026-8')).toThrow(RangeError);
  });

  it('adds months across year ends and lists the months of a year up to a month', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -15)).toBe('2024-12');
    expect(monthsOfYear(2026, '2026-03')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(monthsOfYear(2025)).toHaveLength(12);
  });

  it('places the monthly visit day inside short months', () => {
    expect(visitDayDate('2026-02', 30)).toBe('2026-02-28');
    expect(visitDayDate('2026-08', 5)).toBe('2026-08-05');
    expect(visitDayDate('2026-08', null)).toBeNull();
  });

  it('refuses visit dates in the future or more than a year back', () => {
    expect(visitDateProblem('2026-08-10', '2026-08-10')).toBeNull();
    expect(visitDateProblem('2026-08-11', '2026-08-10')).toMatch(/未来/);
    expect(visitDateProblem('2025-08-01', '2026-08-10')).toMatch(/超过/);
    expect(visitDateProblem('2026-02-30', '2026-08-10')).toMatch(/格式/);
  });
});

describe('required visits', () => {
  it('asks the full minimum for a full month and prorates a partial one, rounding half up', () => {
    expect(requiredVisits(rule, 31, 31)).toBe(2);
    expect(requiredVisits(rule, 24, 31)).toBe(2); // 1.55
    expect(requiredVisits(rule, 23, 31)).toBe(1); // 1.48
    expect(requiredVisits(rule, 8, 31)).toBe(1); // 0.52
    expect(requiredVisits(rule, 7, 31)).toBe(0); // 0.45
    expect(requiredVisits({ ...rule, proratePartialMonth: false }, 3, 31)).toBe(2);
    expect(requiredVisits({ ...rule, minVisitsPerMonth: 0 }, 31, 31)).toBe(0);
  });
});

describe('a household month', () => {
  it('is met with two visit days in a fully paired month, missed with one', () => {
    const met = evaluateHouseholdMonth(hh({ countedVisitDays: 2 }), rule, '2026-08');
    expect(met).toMatchObject({ outcome: 'met', required: 2, done: 2, pairedDays: 31, effectiveDays: 31 });
    expect(met.responsible).toEqual({ cadreId: 1, unitOrgId: 10, cadreStatus: 'active' });
    const missed = evaluateHouseholdMonth(hh({ countedVisitDays: 1 }), rule, '2026-08');
    expect(missed.outcome).toBe('missed');
    expect(missed.reason).toMatch(/应走访 2 次，已走访 1 次/);
  });

  it('uses the rule of the county: three visits required means two is a miss', () => {
    expect(evaluateHouseholdMonth(hh({ countedVisitDays: 2 }), { ...rule, minVisitsPerMonth: 3 }, '2026-08').outcome).toBe('missed');
  });

  it('does not require households whose status is outside the rule', () => {
    const r = evaluateHouseholdMonth(hh({ householdStatus: 'cancelled' }), rule, '2026-08');
    expect(r.outcome).toBe('not_required');
  });

  it('does not require a household not paired at all in the month (pairing ended the day before it began)', () => {
    const r = evaluateHouseholdMonth(hh({ pairings: [pair({ end: '2026-07-31' })] }), rule, '2026-08');
    expect(r.outcome).toBe('not_required');
    const r2 = evaluateHouseholdMonth(hh({ pairings: [pair({ start: '2026-09-01' })] }), rule, '2026-08');
    expect(r2.outcome).toBe('not_required');
  });

  it('counts month boundaries inclusively: paired from the last day of the month is one day', () => {
    const r = evaluateHouseholdMonth(hh({ pairings: [pair({ start: '2026-08-31' })] }), rule, '2026-08');
    expect(r.pairedDays).toBe(1);
    expect(r.outcome).toBe('exempt'); // one day of 31 asks no visit
    const r2 = evaluateHouseholdMonth(hh({ pairings: [pair({ end: '2026-08-01' })] }), rule, '2026-08');
    expect(r2.pairedDays).toBe(1);
  });

  it('gives a household paired from the 16th one required visit', () => {
    const r = evaluateHouseholdMonth(hh({ pairings: [pair({ start: '2026-08-16' })], countedVisitDays: 1 }), rule, '2026-08');
    expect(r).toMatchObject({ pairedDays: 16, required: 1, outcome: 'met' });
  });

  it('hands a household re-paired mid-month to the new cadre, keeping full coverage', () => {
    const r = evaluateHouseholdMonth(
      hh({
        pairings: [pair({ cadreId: 1, unitOrgId: 10, end: '2026-08-14' }), pair({ cadreId: 2, unitOrgId: 20, start: '2026-08-15' })],
        countedVisitDays: 1,
      }),
      rule,
      '2026-08',
    );
    expect(r.pairedDays).toBe(31);
    expect(r.required).toBe(2);
    expect(r.responsible).toMatchObject({ cadreId: 2, unitOrgId: 20 });
    expect(r.outcome).toBe('missed');
  });

  it('treats a same-day correction (end = start − 1) as zero days', () => {
    const r = evaluateHouseholdMonth(
      hh({ pairings: [pair({ cadreId: 1, start: '2026-08-10', end: '2026-08-09' }), pair({ cadreId: 2, start: '2026-08-10' })] }),
      rule,
      '2026-08',
    );
    expect(r.pairedDays).toBe(22);
    expect(r.responsible?.cadreId).toBe(2);
  });

  it('exempts a household exempt for the whole month, prorates a partial exemption', () => {
    const whole = evaluateHouseholdMonth(hh({ exemptions: [{ from: '2026-07-20', to: '2026-09-05', cadreId: null }] }), rule, '2026-08');
    expect(whole.outcome).toBe('exempt');
    expect(whole.effectiveDays).toBe(0);
    const part = evaluateHouseholdMonth(hh({ exemptions: [{ from: '2026-08-01', to: '2026-08-20', cadreId: null }], countedVisitDays: 1 }), rule, '2026-08');
    expect(part).toMatchObject({ effectiveDays: 11, required: 1, outcome: 'met' });
  });

  it('applies a cadre exemption only to the days that cadre was paired', () => {
    const r = evaluateHouseholdMonth(
      hh({
        pairings: [pair({ cadreId: 1, end: '2026-08-15' }), pair({ cadreId: 2, start: '2026-08-16' })],
        exemptions: [{ from: '2026-08-01', to: '2026-08-31', cadreId: 1 }],
      }),
      rule,
      '2026-08',
    );
    expect(r.effectiveDays).toBe(16);
    expect(r.required).toBe(1);
  });

  it('marks a missed household of a retired cadre for re-pairing instead of charging the cadre', () => {
    const retired = pair({ cadreStatus: 'retired', cadreStatusSince: '2026-06-30' });
    const r = evaluateHouseholdMonth(hh({ pairings: [retired] }), rule, '2026-08');
    expect(r.outcome).toBe('unassigned');
    expect(r.reason).toMatch(/已退休/);
    // visited anyway (by the retired cadre before the pairing was changed): still met
    expect(evaluateHouseholdMonth(hh({ pairings: [retired], countedVisitDays: 2 }), rule, '2026-08').outcome).toBe('met');
    // retired only after the month: the month was still theirs
    const later = pair({ cadreStatus: 'retired', cadreStatusSince: '2026-09-10' });
    expect(evaluateHouseholdMonth(hh({ pairings: [later] }), rule, '2026-08').outcome).toBe('missed');
  });
});

describe('the counted shortcut and the day-by-day count agree', () => {
  it('gives the same result with no exemption as with one outside the month, on random pairings', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const day = (n: number) => addDays('2026-07-20', n);
    for (let i = 0; i < 500; i++) {
      const pairings: PairingSpan[] = [];
      let cursor = rand(40);
      for (let k = 0; k < 1 + rand(3); k++) {
        const start = cursor;
        const len = rand(30) - 1; // -1: a same-day correction
        pairings.push(pair({ cadreId: k + 1, start: day(start), end: rand(4) === 0 ? null : day(start + len) }));
        if (pairings[pairings.length - 1].end === null) break;
        cursor = start + Math.max(len, -1) + 1 + rand(5);
      }
      const input = hh({ pairings, countedVisitDays: rand(3) });
      const fast = evaluateHouseholdMonth(input, rule, '2026-08');
      const slow = evaluateHouseholdMonth({ ...input, exemptions: [{ from: '2020-01-01', to: '2020-01-02', cadreId: null }] }, rule, '2026-08');
      expect(fast).toEqual(slow);
    }
  });
});

describe('rates', () => {
  const outcomes: Outcome[] = ['met', 'met', 'met', 'missed', 'unassigned', 'exempt', 'not_required'];

  it('leaves re-pairing cases out of a cadre or unit rate but not out of an area rate', () => {
    expect(aggregateRate(outcomes, 'person')).toMatchObject({ required: 4, met: 3, missed: 1, unassigned: 1, exempt: 1, rate: 0.75 });
    expect(aggregateRate(outcomes, 'area')).toMatchObject({ required: 5, rate: 0.6 });
    expect(aggregateRate([], 'area').rate).toBeNull();
  });

  it('formats the rate as the reports print it (seed 第4篇: 98.15%)', () => {
    const many: Outcome[] = [...Array(212).fill('met'), ...Array(4).fill('missed')];
    expect(formatRate(aggregateRate(many, 'person').rate)).toBe('98.15%');
    expect(formatRate(1)).toBe('100.00%');
    expect(formatRate(null)).toBe('—');
  });
});

describe('attendance (驻村考勤)', () => {
  const term = { start: '2026-01-01', end: null };
  const days = (n: number, status: 'in_village' | 'official' | 'leave' = 'in_village', month = '2026-08') =>
    Array.from({ length: n }, (_, i) => ({ date: `${month}-${String(i + 1).padStart(2, '0')}`, status }));

  it('requires 15 days in a full month; official trips count, leave does not', () => {
    expect(evaluateAttendance(term, days(15), '2026-08', 15)).toMatchObject({ termDays: 31, required: 15, present: 15, compliant: true });
    expect(evaluateAttendance(term, days(14), '2026-08', 15).compliant).toBe(false);
    expect(evaluateAttendance(term, [...days(10), ...days(20, 'official').slice(10)], '2026-08', 15).present).toBe(20);
    expect(evaluateAttendance(term, days(20, 'leave'), '2026-08', 15).present).toBe(0);
  });

  it('prorates a term that starts mid-month and ignores days outside the term or month', () => {
    const r = evaluateAttendance({ start: '2026-08-17', end: null }, days(31), '2026-08', 15);
    expect(r.termDays).toBe(15);
    expect(r.required).toBe(7); // 15 × 15/31 = 7.26
    expect(r.present).toBe(15);
    expect(evaluateAttendance({ start: '2025-01-01', end: '2026-07-31' }, days(20), '2026-08', 15).compliant).toBeNull();
    expect(evaluateAttendance(term, days(20, 'in_village', '2026-07'), '2026-08', 15).present).toBe(0);
  });

  it('counts a day recorded twice once', () => {
    const twice = [...days(8), ...days(8, 'official')];
    expect(evaluateAttendance(term, twice, '2026-08', 15).present).toBe(8);
  });
});

describe('quarterly reports', () => {
  it('falls due on the given day of the month after the quarter, January for Q4', () => {
    expect(reportDueDate(2026, 1, 5)).toBe('2026-04-05');
    expect(reportDueDate(2026, 4, 5)).toBe('2027-01-05');
    expect(reportDueDate(2026, 3, 31)).toBe('2026-10-31');
    expect(reportDueDate(2026, 1, 31)).toBe('2026-04-30');
    expect(quarterOf('2026-08-15')).toEqual({ year: 2026, quarter: 3 });
  });

  it('tells not due, due, overdue, on time and late apart', () => {
    expect(reportState('2026-10-05', '2026-09-30', null, '2026-09-10')).toBe('not_due');
    expect(reportState('2026-10-05', '2026-09-30', null, '2026-10-02')).toBe('due');
    expect(reportState('2026-10-05', '2026-09-30', null, '2026-10-06')).toBe('overdue');
    expect(reportState('2026-10-05', '2026-09-30', '2026-10-05', '2026-11-01')).toBe('submitted');
    expect(reportState('2026-10-05', '2026-09-30', '2026-10-06', '2026-11-01')).toBe('late');
  });
});
