/**
 * Pure rules of the household poverty loan (扶贫到户贷款, seed §1). No I/O: services load the
 * facts, call these, and store the outcome. Every figure comes from the loan scheme
 * (SchemeParams), never from a constant here. Decisions are documented in docs/loans.md.
 */
import { addDays, daysBetween, daysInMonth, parseIsoDate, type IsoDate } from '@fupin/shared/date';
import { ageOn } from '@fupin/shared/idcard';
import { mulDivRound } from '@fupin/shared/money';
import { subsidyFen, type DayCountBasis } from '@fupin/shared/subsidy';
import type { WorkingCalendar } from '@fupin/shared/calendar';

// ───────────────────────────── scheme parameters ─────────────────────────────

export type LateRule = 'forfeit_all' | 'forfeit_late_part';

/** Every figure of 第三、五、七、九条 (and our own documented choices) as data. */
export type SchemeParams = {
  /** 第三条5: 2.58%/年 = 258 basis points */
  subsidyRateBp: number;
  dayCountBasis: DayCountBasis;
  /** 第七条1: 20,000 yuan; above it the county poverty office and credit union must both approve */
  householdCapFen: number;
  /** 第三条4: in principle at most one year */
  maxTermMonths: number;
  /** 第三条2: industry codes (dictionary loan_industry) */
  eligibleIndustries: string[];
  /** 第三条3: only production loans earn the subsidy */
  productionOnlySubsidy: boolean;
  /** Household categories treated as 五保/特困 (第五条（4）) when without labour. */
  noLabourCategories: string[];
  /** Our choice (seed silent): village first review. */
  villageReviewDays: number;
  /** 第十二条1: 5 working days */
  stationReviewDays: number;
  /** 第十二条2: 10 working days */
  coopReviewDays: number;
  /** Our choice (seed silent): each county-level review of an over-cap or enterprise loan. */
  countyReviewDays: number;
  /** 第十二条3–4: report due by this day of each quarter's first month */
  reportDay: number;
  /** 第九条: ≥ 95% → larger quota and reward (basis points of 100%) */
  rewardThresholdBp: number;
  /** 第九条: < 90% → quota cut, no work funds */
  cutThresholdBp: number;
  /** Our choice: how much next year's quota grows or shrinks, in basis points */
  quotaAdjustBp: number;
  /** Our choice: see docs/loans.md "instalments and partial late payment" */
  lateRule: LateRule;
  /** Working days before a review deadline at which the queue starts reminding */
  remindDays: number;
};

export const DEFAULT_SCHEME: SchemeParams = {
  subsidyRateBp: 258,
  dayCountBasis: 360,
  householdCapFen: 2_000_000,
  maxTermMonths: 12,
  eligibleIndustries: ['tobacco', 'sugarcane', 'mulberry', 'livestock', 'offseason_veg', 'led_industry', 'other_farming'],
  productionOnlySubsidy: true,
  noLabourCategories: ['tekun'],
  villageReviewDays: 5,
  stationReviewDays: 5,
  coopReviewDays: 10,
  countyReviewDays: 10,
  reportDay: 5,
  rewardThresholdBp: 9500,
  cutThresholdBp: 9000,
  quotaAdjustBp: 1000,
  lateRule: 'forfeit_all',
  remindDays: 1,
};

// ───────────────────────────── eligibility (第五条, 第三条, 第七条) ─────────────────────────────

export type Check = { rule: string; article: string; message: string };

export type MemberFact = {
  id: number;
  name: string;
  civilCapacity: 'full' | 'limited' | 'none';
  labour: string | null;
  status: string;
  birthDate: IsoDate;
};

export type EligibilityInput = {
  kind: 'household' | 'enterprise';
  scheme: SchemeParams;
  today: IsoDate;
  amountFen: number;
  termMonths: number;
  production: boolean;
  industry: string;
  townshipPreconditionMet: boolean;
  household?: {
    category: string;
    status: string;
    members: MemberFact[];
    borrowerPersonId: number;
  };
  certificate?: { status: string; validFrom: IsoDate; validTo: IsoDate; certNo: string } | null;
  /** Earlier loans of this household or enterprise that are not closed (active/overdue/written off). */
  unpaidLoans: { loanNo: string; status: string }[];
  /** Other applications of the same borrower still under review or approved and not yet lent. */
  openApplications?: { appNo: string }[];
};

export type EligibilityResult = {
  eligible: boolean;
  /** Each rule that forbids the loan, with its reason in Chinese. */
  failures: Check[];
  /** Lendable, but with a consequence (county approval, no subsidy). */
  notes: Check[];
  needsCountyApproval: boolean;
  subsidyEligible: boolean;
};

const LABOUR_CODES = new Set(['ordinary', 'skilled']);
export const fmtYuan = (fen: number) => {
  const y = fen / 100;
  return Number.isInteger(y) ? `${y.toLocaleString('en-US')} 元` : `${(fen / 100).toFixed(2)} 元`;
};

export function checkEligibility(input: EligibilityInput): EligibilityResult {
  const { scheme } = input;
  const failures: Check[] = [];
  const notes: Check[] = [];

  if (!input.townshipPreconditionMet) {
    failures.push({
      rule: 'township_precondition',
      article: '第五条1',
      message: '本乡镇尚未达到到户贷款条件（领导重视、组织机构健全、工作人员到位），暂不能受理',
    });
  }

  if (input.kind === 'household') {
    const h = input.household;
    if (!h) throw new Error('household facts required');
    const cert = input.certificate;
    if (!cert || cert.status !== 'issued') {
      failures.push({ rule: 'certificate', article: '第十二条1', message: '农户没有已发放的贷款证，须先到乡镇信用社办理贷款证' });
    } else if (input.today < cert.validFrom || input.today > cert.validTo) {
      failures.push({
        rule: 'certificate',
        article: '第十二条1',
        message: `贷款证 ${cert.certNo} 不在有效期内（${cert.validFrom} 至 ${cert.validTo}）`,
      });
    }
    const borrower = h.members.find((m) => m.id === h.borrowerPersonId);
    if (!borrower || borrower.status !== 'active') {
      failures.push({ rule: 'borrower', article: '第五条2', message: '借款人须为本户在册的家庭成员' });
    } else {
      const adult = ageOn(borrower.birthDate, input.today) >= 18;
      if (borrower.civilCapacity !== 'full' || !adult) {
        failures.push({
          rule: 'civil_capacity',
          article: '第五条（1）',
          message: `借款人${borrower.name}不具备完全民事行为能力${adult ? '' : '（未满 18 周岁）'}，不得发放贷款`,
        });
      }
    }
    const labourers = h.members.filter((m) => m.status === 'active' && m.labour && LABOUR_CODES.has(m.labour));
    if (labourers.length === 0) {
      failures.push({
        rule: 'production_ability',
        article: '第五条（2）',
        message: '本户没有普通或技能劳动力，不具备生产经营能力，不得发放贷款',
      });
      if (scheme.noLabourCategories.includes(h.category)) {
        failures.push({
          rule: 'wubao_no_labour',
          article: '第五条（4）',
          message: '五保户、特困供养户等无劳动能力的农户，不得发放贷款',
        });
      }
    }
    if (h.status === 'cancelled') {
      failures.push({ rule: 'household_status', article: '第三条1', message: '该户档案已注销，不能申请到户贷款' });
    }
  }

  if (input.unpaidLoans.length) {
    failures.push({
      rule: 'unpaid_loan',
      article: '第五条（3）',
      message: `原贷款没有还清（${input.unpaidLoans.map((l) => l.loanNo).join('、')}），不得发放新贷款`,
    });
  }

  if (input.openApplications?.length) {
    failures.push({
      rule: 'open_application',
      article: '第五条（3）',
      message: `已有在审或已批准未放款的申请（${input.openApplications.map((a) => a.appNo).join('、')}），一户同时只能有一笔`,
    });
  }

  if (input.termMonths > scheme.maxTermMonths) {
    failures.push({
      rule: 'term',
      article: '第三条4',
      message: `贷款期限 ${input.termMonths} 个月超过方案规定的最长 ${scheme.maxTermMonths} 个月`,
    });
  }

  if (input.production && !scheme.eligibleIndustries.includes(input.industry)) {
    failures.push({ rule: 'industry', article: '第三条2', message: '所选产业不在本年度方案规定的贷款投向之内' });
  }

  const needsCountyApproval = input.kind === 'enterprise' || input.amountFen > scheme.householdCapFen;
  if (input.kind === 'household' && input.amountFen > scheme.householdCapFen) {
    notes.push({
      rule: 'over_cap',
      article: '第七条1',
      message: `申请金额 ${fmtYuan(input.amountFen)} 超过 ${fmtYuan(scheme.householdCapFen)}，须经县扶贫办和县信用联社审批`,
    });
  }
  const subsidyEligible = input.production || !scheme.productionOnlySubsidy;
  if (!subsidyEligible) {
    notes.push({ rule: 'non_production', article: '第三条3', message: '非生产性贷款，可以发放，但财政不予贴息' });
  }
  return { eligible: failures.length === 0, failures, notes, needsCountyApproval, subsidyEligible };
}

/** 第十七条一4–5: preference marks, shown and ranked first in the station's queue. */
export function preferenceReasons(h: { prefFamilyPlanning: boolean; prefVeteran: boolean }): string[] {
  const r: string[] = [];
  if (h.prefFamilyPlanning) r.push('独生子女户/计生示范户');
  if (h.prefVeteran) r.push('复员退伍军人户');
  return r;
}

// ───────────────────────────── review routing (第十二条1–2, 第七条, 第十三条) ─────────────────────────────

export type Stage = 'village' | 'station' | 'coop' | 'county_office' | 'credit_union';

export const STAGE_LABELS: Record<Stage, string> = {
  village: '村委会初审',
  station: '乡镇扶贫工作站审查',
  coop: '乡镇信用社调查决定',
  county_office: '县扶贫办审批',
  credit_union: '县信用联社审批',
};

export function firstStage(kind: 'household' | 'enterprise'): Stage {
  return kind === 'household' ? 'village' : 'county_office';
}

/** The stage after an approval, or null when the approval is final. */
export function nextStage(kind: 'household' | 'enterprise', stage: Stage, needsCountyApproval: boolean): Stage | null {
  if (kind === 'enterprise') return stage === 'county_office' ? 'credit_union' : null;
  switch (stage) {
    case 'village':
      return 'station';
    case 'station':
      return 'coop';
    case 'coop':
      return needsCountyApproval ? 'county_office' : null;
    case 'county_office':
      return 'credit_union';
    case 'credit_union':
      return null;
  }
}

export function stageDays(scheme: SchemeParams, stage: Stage): number {
  switch (stage) {
    case 'village':
      return scheme.villageReviewDays;
    case 'station':
      return scheme.stationReviewDays;
    case 'coop':
      return scheme.coopReviewDays;
    default:
      return scheme.countyReviewDays;
  }
}

/** The stage's deadline: n working days after the day it arrived (that day not counted). */
export function stageDueDate(cal: WorkingCalendar, scheme: SchemeParams, stage: Stage, arrivedOn: IsoDate): IsoDate {
  return cal.addWorkingDays(arrivedOn, stageDays(scheme, stage));
}

export type DeadlineInfo = { dueDate: IsoDate; workingDaysLeft: number; overdue: boolean; remind: boolean };

export function deadlineInfo(cal: WorkingCalendar, dueDate: IsoDate, today: IsoDate, remindDays: number): DeadlineInfo {
  const left = cal.workingDaysBetween(today, dueDate);
  const overdue = today > dueDate;
  return { dueDate, workingDaysLeft: left, overdue, remind: !overdue && left <= remindDays };
}

// ───────────────────────────── schedules ─────────────────────────────

/** Calendar months later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const p = parseIsoDate(date);
  if (!p) throw new RangeError(`日期“${date}”无效`);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(p.day, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export type Instalment = { seq: number; dueDate: IsoDate; principalFen: number };

/**
 * Bullet: all principal at maturity. Instalments: `count` equal parts (the remainder in the
 * last), due every termMonths / count months; the term must divide evenly.
 */
export function buildSchedule(input: {
  principalFen: number;
  disbursedOn: IsoDate;
  termMonths: number;
  kind: 'bullet' | 'instalments';
  count?: number;
}): Instalment[] {
  const { principalFen, disbursedOn, termMonths } = input;
  if (input.kind === 'bullet') return [{ seq: 1, dueDate: addMonths(disbursedOn, termMonths), principalFen }];
  const count = input.count ?? 0;
  if (!Number.isInteger(count) || count < 2) throw new RangeError('分期还款的期数至少为 2 期');
  if (termMonths % count !== 0) throw new RangeError(`贷款期限 ${termMonths} 个月不能平均分为 ${count} 期`);
  const step = termMonths / count;
  const part = Math.floor(principalFen / count);
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    dueDate: addMonths(disbursedOn, step * (i + 1)),
    principalFen: i === count - 1 ? principalFen - part * (count - 1) : part,
  }));
}

/** Checks an explicit schedule: positive parts summing to the principal, increasing dates within the term. */
export function validateSchedule(s: Instalment[], principalFen: number, disbursedOn: IsoDate, maturity: IsoDate): string | null {
  if (!s.length) return '还款计划不能为空';
  let sum = 0;
  let prev = disbursedOn;
  for (const i of s) {
    if (!Number.isSafeInteger(i.principalFen) || i.principalFen <= 0) return `第 ${i.seq} 期本金必须大于 0`;
    if (i.dueDate <= prev) return `第 ${i.seq} 期到期日须晚于${i.seq === 1 ? '放款日' : '上一期'}`;
    prev = i.dueDate;
    sum += i.principalFen;
  }
  if (prev > maturity) return `最后一期到期日不能晚于贷款到期日 ${maturity}`;
  if (sum !== principalFen) return `各期本金合计 ${fmtYuan(sum)} 与贷款本金 ${fmtYuan(principalFen)} 不符`;
  return null;
}

// ───────────────────────────── repayments and on-time evaluation ─────────────────────────────

export type Repayment = { id?: number; paidOn: IsoDate; principalFen: number };

export type Allocation = { repaymentId?: number; paidOn: IsoDate; amountFen: number; onTime: boolean };

export type InstalmentState = Instalment & {
  /** Last day a payment counts as on time: the due date, or the next working day when it falls on a holiday. */
  graceDate: IsoDate;
  paidFen: number;
  paidOffOn: IsoDate | null;
  late: boolean;
  allocations: Allocation[];
};

export type LoanEvaluation = {
  instalments: InstalmentState[];
  repaidFen: number;
  outstandingFen: number;
  fullyRepaid: boolean;
  closedOn: IsoDate | null;
  /** some principal was paid after its (grace) date, or is still unpaid after it on `asOf` */
  anyLate: boolean;
  /** due date of the oldest instalment not fully paid and past its grace date on `asOf` */
  arrearsSince: IsoDate | null;
  daysOverdue: number;
};

/**
 * Allocates repayments (in date order) to instalments oldest first, and says which money
 * came in on time. A due date that is not a working day is met by a payment on the next
 * working day (docs/loans.md).
 */
export function evaluateLoan(input: {
  schedule: Instalment[];
  repayments: Repayment[];
  asOf: IsoDate;
  cal: WorkingCalendar;
}): LoanEvaluation {
  const inst: InstalmentState[] = [...input.schedule]
    .sort((a, b) => a.seq - b.seq)
    .map((i) => ({ ...i, graceDate: input.cal.workingDayOnOrAfter(i.dueDate), paidFen: 0, paidOffOn: null, late: false, allocations: [] }));
  const pays = [...input.repayments].sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : (a.id ?? 0) - (b.id ?? 0)));
  let k = 0;
  for (const p of pays) {
    let left = p.principalFen;
    while (left > 0 && k < inst.length) {
      const i = inst[k];
      const take = Math.min(left, i.principalFen - i.paidFen);
      const onTime = p.paidOn <= i.graceDate;
      i.allocations.push({ repaymentId: p.id, paidOn: p.paidOn, amountFen: take, onTime });
      i.paidFen += take;
      if (!onTime) i.late = true;
      left -= take;
      if (i.paidFen === i.principalFen) {
        i.paidOffOn = p.paidOn;
        k++;
      }
    }
    if (left > 0) throw new RangeError('还款金额超过了剩余本金');
  }
  let arrearsSince: IsoDate | null = null;
  for (const i of inst) {
    if (i.paidFen < i.principalFen && input.asOf > i.graceDate) {
      i.late = true;
      arrearsSince ??= i.dueDate;
    }
  }
  const repaidFen = inst.reduce((s, i) => s + i.paidFen, 0);
  const total = inst.reduce((s, i) => s + i.principalFen, 0);
  const fullyRepaid = repaidFen === total;
  return {
    instalments: inst,
    repaidFen,
    outstandingFen: total - repaidFen,
    fullyRepaid,
    closedOn: fullyRepaid ? (inst[inst.length - 1]?.paidOffOn ?? null) : null,
    anyLate: inst.some((i) => i.late),
    arrearsSince,
    daysOverdue: arrearsSince ? Math.max(0, daysBetween(arrearsSince, input.asOf)) : 0,
  };
}

// ───────────────────────────── the subsidy (第三条5–6, 第十二条5–6) ─────────────────────────────

export type SubsidyLine = { principalFen: number; startDate: IsoDate; endDate: IsoDate; days: number; fen: number; formula: string };

export type SubsidyOutcome =
  | { status: 'not_applicable'; amountFen: 0; lines: []; reason: string }
  | { status: 'pending'; amountFen: number; lines: SubsidyLine[]; reason: string }
  | { status: 'earned'; amountFen: number; lines: SubsidyLine[]; reason: string }
  | { status: 'forfeited'; amountFen: 0; lines: []; reason: string };

/**
 * The subsidy of one loan. Each repayment allocation earns principal × rate × days ÷ basis
 * (days from disbursement to that payment — or to the due date when a holiday let it be paid
 * a little after — head counted and tail not, the shared `subsidyFen`), rounded to the fen per line so that every roster line can be checked by hand
 * and the lines add up to the total. Early repayment earns only the days actually borrowed.
 * A late payment forfeits the whole subsidy ('forfeit_all', the seed's reading) or only the
 * late part ('forfeit_late_part'); a loan written off forfeits it. While the loan is open the
 * outcome is 'pending' with the amount it would earn if repaid in full on its due dates.
 */
export function computeSubsidy(input: {
  production: boolean;
  writtenOff: boolean;
  scheme: Pick<SchemeParams, 'subsidyRateBp' | 'dayCountBasis' | 'lateRule' | 'productionOnlySubsidy'>;
  disbursedOn: IsoDate;
  evaluation: LoanEvaluation;
}): SubsidyOutcome {
  const { scheme, evaluation: ev } = input;
  if (!input.production && scheme.productionOnlySubsidy) {
    return { status: 'not_applicable', amountFen: 0, lines: [], reason: '非生产性贷款，不予贴息（第三条3）' };
  }
  if (input.writtenOff) return { status: 'forfeited', amountFen: 0, lines: [], reason: '贷款已核销，不予贴息' };
  const line = (principalFen: number, endDate: IsoDate): SubsidyLine => {
    const r = subsidyFen({
      principalFen,
      annualRateBp: scheme.subsidyRateBp,
      startDate: input.disbursedOn,
      endDate,
      dayCountBasis: scheme.dayCountBasis,
    });
    return { principalFen, startDate: input.disbursedOn, endDate, days: r.days, fen: r.fen, formula: r.formula };
  };
  if (ev.anyLate && scheme.lateRule === 'forfeit_all') {
    return { status: 'forfeited', amountFen: 0, lines: [], reason: '贷款逾期归还，按非贴息利率执行，不予贴息（第三条6）' };
  }
  const lines: SubsidyLine[] = [];
  for (const i of ev.instalments) {
    // Paid on the working day after a holiday due date: on time, but the subsidised period
    // still ends on the contractual due date.
    for (const a of i.allocations) if (a.onTime && a.amountFen > 0) lines.push(line(a.amountFen, a.paidOn < i.dueDate ? a.paidOn : i.dueDate));
    // Not yet paid: what it would earn if paid on its due date.
    if (!ev.fullyRepaid && i.paidFen < i.principalFen && !i.late) lines.push(line(i.principalFen - i.paidFen, i.dueDate));
  }
  const amountFen = lines.reduce((s, l) => s + l.fen, 0);
  if (!ev.fullyRepaid) {
    return { status: 'pending', amountFen, lines, reason: '贷款尚未还清，按期足额还款后享受贴息（金额为按到期日还款的预计数）' };
  }
  if (ev.anyLate && amountFen === 0) {
    return { status: 'forfeited', amountFen: 0, lines: [], reason: '贷款全部逾期归还，不予贴息（第三条6）' };
  }
  return {
    status: 'earned',
    amountFen,
    lines,
    reason: ev.anyLate ? '部分本金逾期归还：仅按期归还的本金享受贴息' : '按期足额归还贷款，享受贴息',
  };
}

/** The roster's formula text for a loan: one line, or the lines joined and summed. */
export function subsidyFormula(lines: SubsidyLine[]): string {
  if (!lines.length) return '';
  if (lines.length === 1) return lines[0].formula;
  const total = lines.reduce((s, l) => s + l.fen, 0);
  return `${lines.map((l) => l.formula).join('；')}；合计 ${(total / 100).toFixed(2)}元`;
}

// ───────────────────────────── statuses, ageing ─────────────────────────────

export type LoanStatus = 'active' | 'closed_on_time' | 'closed_late' | 'written_off';
export type LifecycleStatus =
  | 'submitted'
  | 'returned'
  | 'approved'
  | 'rejected'
  | 'withdrawn'
  | 'active'
  | 'overdue'
  | 'closed_on_time'
  | 'closed_late'
  | 'written_off';

export const LIFECYCLE_LABELS: Record<LifecycleStatus, string> = {
  submitted: '审查中',
  returned: '退回补充材料',
  approved: '已批准待放款',
  rejected: '已拒绝',
  withdrawn: '已撤回',
  active: '正常',
  overdue: '逾期',
  closed_on_time: '按期结清',
  closed_late: '逾期结清',
  written_off: '已核销',
};

export function loanStatusAfter(ev: LoanEvaluation): LoanStatus {
  if (!ev.fullyRepaid) return 'active';
  return ev.anyLate ? 'closed_late' : 'closed_on_time';
}

export type AgeingBucket = '1-30' | '31-90' | '91-180' | '180+';
export const AGEING_BUCKETS: { key: AgeingBucket; label: string; min: number; max: number | null }[] = [
  { key: '1-30', label: '逾期 1–30 天', min: 1, max: 30 },
  { key: '31-90', label: '逾期 31–90 天', min: 31, max: 90 },
  { key: '91-180', label: '逾期 91–180 天', min: 91, max: 180 },
  { key: '180+', label: '逾期 180 天以上', min: 181, max: null },
];

export function ageingBucket(daysOverdue: number): AgeingBucket | null {
  if (daysOverdue <= 0) return null;
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 90) return '31-90';
  if (daysOverdue <= 180) return '91-180';
  return '180+';
}

// ───────────────────────────── quarters and reports ─────────────────────────────

export type Quarter = { year: number; quarter: 1 | 2 | 3 | 4 };

export function quarterOf(date: IsoDate): Quarter {
  const p = parseIsoDate(date);
  if (!p) throw new RangeError(`日期“${date}”无效`);
  return { year: p.year, quarter: (Math.floor((p.month - 1) / 3) + 1) as Quarter['quarter'] };
}

export function quarterStart(q: Quarter): IsoDate {
  return `${q.year}-${String((q.quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
}

export function quarterEnd(q: Quarter): IsoDate {
  return addDays(quarterStart(nextQuarter(q)), -1);
}

export function nextQuarter(q: Quarter): Quarter {
  return q.quarter === 4 ? { year: q.year + 1, quarter: 1 } : { year: q.year, quarter: (q.quarter + 1) as Quarter['quarter'] };
}

export function previousQuarter(q: Quarter): Quarter {
  return q.quarter === 1 ? { year: q.year - 1, quarter: 4 } : { year: q.year, quarter: (q.quarter - 1) as Quarter['quarter'] };
}

export function quarterLabel(q: Quarter): string {
  return `${q.year}年第${'一二三四'[q.quarter - 1]}季度`;
}

/**
 * 第十二条3–4: a quarter's report is due by the `reportDay` of the next quarter's first month;
 * when that day is not a working day the deadline moves to the next working day (遇节假日顺延 —
 * 5 October always falls in the National Day holiday).
 */
export function reportDueDate(cal: WorkingCalendar, q: Quarter, reportDay: number): IsoDate {
  const start = quarterStart(nextQuarter(q));
  return cal.workingDayOnOrAfter(`${start.slice(0, 8)}${String(reportDay).padStart(2, '0')}`);
}

// ───────────────────────────── recovery and assessment (第九条) ─────────────────────────────

/**
 * Recovery rate (回收率) of a period = principal that fell due in the period and has been
 * repaid by the as-of date ÷ principal that fell due in the period. Null when nothing fell due.
 * Truncated (not rounded) to 0.01%, so a shown 95.00% is never below the 95% threshold.
 */
export function recoveryRate(dueFen: number, recoveredFen: number): { rateBp: number | null; text: string } {
  if (dueFen <= 0) return { rateBp: null, text: '本期无到期贷款' };
  const rateBp = Number((BigInt(recoveredFen) * 10_000n) / BigInt(dueFen));
  return { rateBp, text: `${(rateBp / 100).toFixed(2)}%` };
}

export type Assessment = 'reward' | 'normal' | 'cut' | 'no_data';
export const ASSESSMENT_LABELS: Record<Assessment, string> = {
  reward: '回收率达 95% 以上：可增加下年度放贷指标并给予奖励',
  normal: '回收率在 90%–95% 之间：维持',
  cut: '回收率低于 90%：削减下年度放贷指标，不安排工作经费',
  no_data: '本年度无到期贷款，不参加考核',
};

/** Compared exactly on integers (no rounded percentage can cross a threshold). */
export function assess(dueFen: number, recoveredFen: number, scheme: Pick<SchemeParams, 'rewardThresholdBp' | 'cutThresholdBp'>): Assessment {
  if (dueFen <= 0) return 'no_data';
  if (recoveredFen * 10_000 >= dueFen * scheme.rewardThresholdBp) return 'reward';
  if (recoveredFen * 10_000 < dueFen * scheme.cutThresholdBp) return 'cut';
  return 'normal';
}

/** Next year's quota: ± quotaAdjustBp of this year's, rounded to the yuan; count likewise. */
export function proposeQuota(
  current: { amountFen: number; count: number },
  a: Assessment,
  scheme: Pick<SchemeParams, 'quotaAdjustBp'>,
): { amountFen: number; count: number } {
  const factor = a === 'reward' ? 10_000 + scheme.quotaAdjustBp : a === 'cut' ? 10_000 - scheme.quotaAdjustBp : 10_000;
  return {
    amountFen: mulDivRound(current.amountFen, factor, 10_000 * 100) * 100,
    count: mulDivRound(current.count, factor, 10_000),
  };
}

/** Whether an application of `amountFen` would pass the township's quota. */
export function quotaCheck(quota: { amountFen: number; count: number } | null, used: { amountFen: number; count: number }, amountFen: number) {
  const q = quota ?? { amountFen: 0, count: 0 };
  const remainingFen = q.amountFen - used.amountFen;
  const remainingCount = q.count - used.count;
  const over = amountFen > remainingFen || remainingCount < 1;
  return {
    quotaFen: q.amountFen,
    quotaCount: q.count,
    usedFen: used.amountFen,
    usedCount: used.count,
    remainingFen,
    remainingCount,
    over,
    message: over
      ? quota
        ? `超出本乡镇年度计划指标（剩余 ${fmtYuan(Math.max(0, remainingFen))}、${Math.max(0, remainingCount)} 笔），须有县扶贫开发领导组的书面决定方可批准`
        : '本乡镇本年度尚未下达贷款计划指标，须有县扶贫开发领导组的书面决定方可批准'
      : null,
  };
}
