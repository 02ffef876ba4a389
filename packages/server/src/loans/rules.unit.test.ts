import { describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays } from '@fupin/shared/date';
import {
  addMonths,
  ageingBucket,
  assess,
  buildSchedule,
  checkEligibility,
  computeSubsidy,
  deadlineInfo,
  DEFAULT_SCHEME,
  evaluateLoan,
  loanStatusAfter,
  nextStage,
  proposeQuota,
  quarterEnd,
  quarterOf,
  quotaCheck,
  recoveryRate,
  reportDueDate,
  stageDueDate,
  validateSchedule,
  type EligibilityInput,
  type MemberFact,
} from './rules';

const cal = createCalendar();
const S = DEFAULT_SCHEME;

const head: MemberFact = { id: 1, name: '张三', civilCapacity: 'full', labour: 'ordinary', status: 'active', birthDate: '1980-05-01' };
const base = (over: Partial<EligibilityInput> = {}): EligibilityInput => ({
  kind: 'household',
  scheme: S,
  today: '2026-03-10',
  amountFen: 1_000_000,
  termMonths: 12,
  production: true,
  industry: 'livestock',
  townshipPreconditionMet: true,
  household: { category: 'general', status: 'identified', members: [head], borrowerPersonId: 1 },
  certificate: { status: 'issued', validFrom: '2026-01-01', validTo: '2027-12-31', certNo: 'DKZ-1' },
  unpaidLoans: [],
  ...over,
});

describe('eligibility (第五条, 第三条, 第七条)', () => {
  it('passes a household with labour, a valid certificate and a production loan within the cap', () => {
    const r = checkEligibility(base());
    expect(r).toMatchObject({ eligible: true, failures: [], needsCountyApproval: false, subsidyEligible: true });
  });

  it('gives one Chinese reason per failed rule', () => {
    const r = checkEligibility(
      base({
        townshipPreconditionMet: false,
        termMonths: 18,
        certificate: null,
        unpaidLoans: [{ loanNo: 'DK2025-0001', status: 'active' }],
        household: {
          category: 'tekun',
          status: 'identified',
          members: [{ ...head, civilCapacity: 'limited', labour: 'none' }],
          borrowerPersonId: 1,
        },
      }),
    );
    expect(r.eligible).toBe(false);
    expect(r.failures.map((f) => f.rule).sort()).toEqual(
      ['certificate', 'civil_capacity', 'production_ability', 'term', 'township_precondition', 'unpaid_loan', 'wubao_no_labour'].sort(),
    );
    const msg = r.failures.map((f) => f.message).join('\n');
    expect(msg).toMatch(/完全民事行为能力/);
    expect(msg).toMatch(/生产经营能力/);
    expect(msg).toMatch(/原贷款没有还清（DK2025-0001）/);
    expect(msg).toMatch(/五保户/);
    expect(msg).toMatch(/18 个月超过方案规定的最长 12 个月/);
    expect(msg).toMatch(/领导重视/);
  });

  it('treats a minor borrower as lacking full civil capacity', () => {
    const r = checkEligibility(base({ household: { category: 'general', status: 'identified', members: [{ ...head, birthDate: '2010-01-01' }], borrowerPersonId: 1 } }));
    expect(r.failures[0].message).toMatch(/未满 18 周岁/);
  });

  it('one application at a time per household', () => {
    const r = checkEligibility(base({ openApplications: [{ appNo: 'SQ341202-2026-00001' }] }));
    expect(r.failures).toEqual([expect.objectContaining({ rule: 'open_application', message: expect.stringContaining('SQ341202-2026-00001') })]);
  });

  it('refuses an expired certificate, naming its dates', () => {
    const r = checkEligibility(base({ certificate: { status: 'issued', validFrom: '2024-01-01', validTo: '2025-12-31', certNo: 'DKZ-9' } }));
    expect(r.failures).toEqual([expect.objectContaining({ rule: 'certificate', message: expect.stringContaining('2025-12-31') })]);
  });

  it('over the cap needs county approval but is not a refusal', () => {
    const r = checkEligibility(base({ amountFen: 2_000_001 }));
    expect(r.eligible).toBe(true);
    expect(r.needsCountyApproval).toBe(true);
    expect(r.notes[0].message).toMatch(/县扶贫办和县信用联社审批/);
    expect(checkEligibility(base({ amountFen: 2_000_000 })).needsCountyApproval).toBe(false);
  });

  it('non-production loans are lendable without subsidy', () => {
    const r = checkEligibility(base({ production: false, industry: 'other' }));
    expect(r.eligible).toBe(true);
    expect(r.subsidyEligible).toBe(false);
    expect(r.notes.map((n) => n.rule)).toEqual(['non_production']);
  });

  it('a tekun household with a labourer may borrow', () => {
    const r = checkEligibility(base({ household: { category: 'tekun', status: 'identified', members: [head], borrowerPersonId: 1 } }));
    expect(r.eligible).toBe(true);
  });
});

describe('routing', () => {
  it('household: village → station → coop → (over cap) county office → credit union', () => {
    expect(nextStage('household', 'village', false)).toBe('station');
    expect(nextStage('household', 'station', false)).toBe('coop');
    expect(nextStage('household', 'coop', false)).toBeNull();
    expect(nextStage('household', 'coop', true)).toBe('county_office');
    expect(nextStage('household', 'county_office', true)).toBe('credit_union');
    expect(nextStage('household', 'credit_union', true)).toBeNull();
    expect(nextStage('enterprise', 'county_office', true)).toBe('credit_union');
    expect(nextStage('enterprise', 'credit_union', true)).toBeNull();
  });
});

describe('deadlines in working days (第十二条1–2)', () => {
  it('station: 5 working days across the National Day holiday and its adjusted Saturday', () => {
    // Mon 28 Sep 2026 → 29, 30 Sep, 8, 9 Oct, and Sat 10 Oct (an adjusted working day)
    expect(stageDueDate(cal, S, 'station', '2026-09-28')).toBe('2026-10-10');
  });

  it('coop: 10 working days across the Spring Festival with both adjusted Saturdays', () => {
    // Thu 12 Feb 2026 → 13, Sat 14 (adjusted), holiday 15–23, 24, 25, 26, 27, Sat 28 (adjusted), 2, 3, 4 Mar
    expect(stageDueDate(cal, S, 'coop', '2026-02-12')).toBe('2026-03-04');
  });

  it('an administrator override moves the deadline', () => {
    const c2 = createCalendar([{ date: '2026-10-09', kind: 'holiday', note: '停电' }]);
    expect(stageDueDate(c2, S, 'station', '2026-09-28')).toBe('2026-10-12');
  });

  it('working days left, reminder and overdue flags', () => {
    expect(deadlineInfo(cal, '2026-10-10', '2026-09-30', 1)).toEqual({ dueDate: '2026-10-10', workingDaysLeft: 3, overdue: false, remind: false });
    expect(deadlineInfo(cal, '2026-10-10', '2026-10-09', 1)).toMatchObject({ workingDaysLeft: 1, remind: true, overdue: false });
    expect(deadlineInfo(cal, '2026-10-10', '2026-10-12', 1)).toMatchObject({ workingDaysLeft: -1, overdue: true, remind: false });
  });

  it('quarterly report due on the 5th of the next quarter, moved past a holiday', () => {
    expect(reportDueDate(cal, { year: 2026, quarter: 3 }, 5)).toBe('2026-10-08');
    expect(reportDueDate(cal, { year: 2025, quarter: 4 }, 5)).toBe('2026-01-05');
    expect(reportDueDate(cal, { year: 2026, quarter: 1 }, 5)).toBe('2026-04-07');
  });
});

describe('schedules', () => {
  it('adds calendar months, clamping to the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2027-12-31', 2)).toBe('2028-02-29');
    expect(addMonths('2026-03-15', 12)).toBe('2027-03-15');
  });

  it('bullet and equal instalments; the remainder goes to the last', () => {
    expect(buildSchedule({ principalFen: 1_000_000, disbursedOn: '2026-03-15', termMonths: 12, kind: 'bullet' })).toEqual([
      { seq: 1, dueDate: '2027-03-15', principalFen: 1_000_000 },
    ]);
    const s = buildSchedule({ principalFen: 1_000_001, disbursedOn: '2026-03-15', termMonths: 12, kind: 'instalments', count: 4 });
    expect(s.map((i) => i.dueDate)).toEqual(['2026-06-15', '2026-09-15', '2026-12-15', '2027-03-15']);
    expect(s.map((i) => i.principalFen)).toEqual([250_000, 250_000, 250_000, 250_001]);
    expect(() => buildSchedule({ principalFen: 100, disbursedOn: '2026-03-15', termMonths: 12, kind: 'instalments', count: 5 })).toThrow(/不能平均分为 5 期/);
  });

  it('validates an explicit schedule', () => {
    expect(validateSchedule([{ seq: 1, dueDate: '2026-09-01', principalFen: 100 }], 200, '2026-03-01', '2027-03-01')).toMatch(/合计/);
    expect(validateSchedule([{ seq: 1, dueDate: '2027-09-01', principalFen: 200 }], 200, '2026-03-01', '2027-03-01')).toMatch(/不能晚于/);
    expect(validateSchedule([{ seq: 1, dueDate: '2026-09-01', principalFen: 200 }], 200, '2026-03-01', '2027-03-01')).toBeNull();
  });
});

describe('repayment evaluation and the subsidy', () => {
  const bullet = buildSchedule({ principalFen: 2_000_000, disbursedOn: '2026-01-10', termMonths: 12, kind: 'bullet' });
  const subsidy = (repayments: { paidOn: string; principalFen: number }[], asOf = '2027-06-01', lateRule: 'forfeit_all' | 'forfeit_late_part' = 'forfeit_all', production = true) => {
    const ev = evaluateLoan({ schedule: bullet, repayments, asOf, cal });
    return { ev, s: computeSubsidy({ production, writtenOff: false, scheme: { ...S, lateRule }, disbursedOn: '2026-01-10', evaluation: ev }) };
  };

  it('repaid in full on the due date: 20,000 × 2.58% × 365 ÷ 360 = 523.17 yuan', () => {
    const { ev, s } = subsidy([{ paidOn: '2027-01-10', principalFen: 2_000_000 }]);
    expect(loanStatusAfter(ev)).toBe('closed_on_time');
    expect(s).toMatchObject({ status: 'earned', amountFen: 52_317 });
    expect(s.lines[0].formula).toBe('20000.00元 × 2.58% × 365天 ÷ 360 = 523.17元');
  });

  it('the 365 basis gives a different figure', () => {
    const ev = evaluateLoan({ schedule: bullet, repayments: [{ paidOn: '2027-01-10', principalFen: 2_000_000 }], asOf: '2027-06-01', cal });
    const s = computeSubsidy({ production: true, writtenOff: false, scheme: { ...S, dayCountBasis: 365 }, disbursedOn: '2026-01-10', evaluation: ev });
    expect(s.amountFen).toBe(51_600);
  });

  it('a due date on a holiday is met by paying on the next working day', () => {
    // due Sun 2027-01-10 → the next working day is Mon 2027-01-11
    const { ev, s } = subsidy([{ paidOn: '2027-01-11', principalFen: 2_000_000 }]);
    expect(ev.anyLate).toBe(false);
    expect(s.status).toBe('earned');
    expect(s.lines[0].days).toBe(365); // the subsidised period still ends on the due date
    const late = subsidy([{ paidOn: '2027-01-12', principalFen: 2_000_000 }]);
    expect(late.ev.anyLate).toBe(true);
    expect(late.s).toMatchObject({ status: 'forfeited', amountFen: 0 });
    expect(loanStatusAfter(late.ev)).toBe('closed_late');
  });

  it('early repayment earns only the days actually borrowed', () => {
    const { s } = subsidy([{ paidOn: '2026-07-10', principalFen: 2_000_000 }]);
    expect(s).toMatchObject({ status: 'earned', amountFen: 25_943 }); // 181 days: 2,000,000 × 258 × 181 / 3,600,000 = 25,943.33
    expect(s.lines[0].days).toBe(181);
  });

  it('partial late payment: all forfeited by default; only the late part under forfeit_late_part', () => {
    const pays = [
      { paidOn: '2026-12-01', principalFen: 1_500_000 },
      { paidOn: '2027-02-01', principalFen: 500_000 },
    ];
    expect(subsidy(pays).s).toMatchObject({ status: 'forfeited', amountFen: 0 });
    const part = subsidy(pays, '2027-06-01', 'forfeit_late_part').s;
    expect(part.status).toBe('earned');
    expect(part.lines).toHaveLength(1);
    expect(part.lines[0]).toMatchObject({ principalFen: 1_500_000, days: 325 });
  });

  it('instalments: each on-time part earns its own days; the lines add up to the total', () => {
    const sched = buildSchedule({ principalFen: 1_200_000, disbursedOn: '2026-03-02', termMonths: 12, kind: 'instalments', count: 4 });
    const pays = sched.map((i) => ({ paidOn: i.dueDate, principalFen: i.principalFen }));
    const ev = evaluateLoan({ schedule: sched, repayments: pays, asOf: '2027-06-01', cal });
    const s = computeSubsidy({ production: true, writtenOff: false, scheme: S, disbursedOn: '2026-03-02', evaluation: ev });
    expect(s.status).toBe('earned');
    expect(s.lines.map((l) => l.days)).toEqual([92, 184, 275, 365]);
    expect(s.amountFen).toBe(s.lines.reduce((a, l) => a + l.fen, 0));
    // one instalment a day late forfeits all of it under the default rule
    const late = pays.map((p, i) => (i === 1 ? { ...p, paidOn: addDays(cal.workingDayOnOrAfter(p.paidOn), 1) } : p));
    const ev2 = evaluateLoan({ schedule: sched, repayments: late, asOf: '2027-06-01', cal });
    expect(computeSubsidy({ production: true, writtenOff: false, scheme: S, disbursedOn: '2026-03-02', evaluation: ev2 }).status).toBe('forfeited');
  });

  it('non-production and written-off loans get none; an open loan shows the pending estimate', () => {
    expect(subsidy([{ paidOn: '2027-01-10', principalFen: 2_000_000 }], '2027-06-01', 'forfeit_all', false).s.status).toBe('not_applicable');
    const open = subsidy([], '2026-06-01');
    expect(open.s).toMatchObject({ status: 'pending', amountFen: 52_317 });
    const ev = evaluateLoan({ schedule: bullet, repayments: [], asOf: '2027-06-01', cal });
    expect(computeSubsidy({ production: true, writtenOff: true, scheme: S, disbursedOn: '2026-01-10', evaluation: ev }).status).toBe('forfeited');
  });

  it('arrears and ageing', () => {
    const { ev } = subsidy([{ paidOn: '2026-12-01', principalFen: 500_000 }], '2027-03-01');
    expect(ev.arrearsSince).toBe('2027-01-10');
    expect(ev.daysOverdue).toBe(50);
    expect(ageingBucket(ev.daysOverdue)).toBe('31-90');
    expect([0, 1, 30, 31, 90, 91, 180, 181].map(ageingBucket)).toEqual([null, '1-30', '1-30', '31-90', '31-90', '91-180', '91-180', '180+']);
  });

  it('refuses a repayment beyond the outstanding principal', () => {
    expect(() => subsidy([{ paidOn: '2026-12-01', principalFen: 2_000_001 }])).toThrow(/超过了剩余本金/);
  });
});

describe('quarters, recovery, assessment, quota', () => {
  it('quarter arithmetic', () => {
    expect(quarterOf('2026-11-29')).toEqual({ year: 2026, quarter: 4 });
    expect(quarterEnd({ year: 2026, quarter: 4 })).toBe('2026-12-31');
    expect(quarterEnd({ year: 2028, quarter: 1 })).toBe('2028-03-31');
  });

  it('recovery rate is truncated, so a shown 95.00% is never below the threshold', () => {
    expect(recoveryRate(0, 0)).toEqual({ rateBp: null, text: '本期无到期贷款' });
    expect(recoveryRate(1_000_000, 949_999)).toEqual({ rateBp: 9499, text: '94.99%' });
    expect(assess(1_000_000, 949_999, S)).toBe('normal');
    expect(assess(1_000_000, 950_000, S)).toBe('reward');
    expect(assess(1_000_000, 899_999, S)).toBe('cut');
    expect(assess(1_000_000, 900_000, S)).toBe('normal');
    expect(assess(0, 0, S)).toBe('no_data');
  });

  it('next year quota ±10%, to the yuan', () => {
    expect(proposeQuota({ amountFen: 50_000_000, count: 30 }, 'reward', S)).toEqual({ amountFen: 55_000_000, count: 33 });
    expect(proposeQuota({ amountFen: 50_000_000, count: 30 }, 'cut', S)).toEqual({ amountFen: 45_000_000, count: 27 });
    expect(proposeQuota({ amountFen: 50_000_000, count: 30 }, 'normal', S)).toEqual({ amountFen: 50_000_000, count: 30 });
  });

  it('quota check: amount or count over the remainder', () => {
    expect(quotaCheck({ amountFen: 1_000_000, count: 2 }, { amountFen: 500_000, count: 1 }, 500_000).over).toBe(false);
    expect(quotaCheck({ amountFen: 1_000_000, count: 2 }, { amountFen: 500_000, count: 1 }, 500_001).over).toBe(true);
    expect(quotaCheck({ amountFen: 1_000_000, count: 1 }, { amountFen: 0, count: 1 }, 1).over).toBe(true);
    expect(quotaCheck(null, { amountFen: 0, count: 0 }, 1).message).toMatch(/尚未下达/);
  });
});
