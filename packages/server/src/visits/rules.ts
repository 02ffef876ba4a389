/**
 * Pure rules of pairing and visits (结对帮扶、走访): month boundaries, who is responsible for a
 * household in a month, how many visits a month requires, exemptions, the visit rate
 * (走访率), attendance of resident team members (驻村考勤) and quarterly report due dates.
 * No database, no clock: every function takes the dates it needs. docs/visits.md explains why
 * each rule is what it is.
 *
 * Date intervals are inclusive on both ends (a pairing that ends on 08-14 was in force on
 * 08-14; its successor starts on 08-15). A same-day correction leaves a pairing with
 * end = start − 1, i.e. zero days.
 */
import { addDays, daysInMonth, isIsoDate, toDayNumber, type IsoDate } from '@fupin/shared/date';

export const VISIT_KINDS = ['home', 'phone', 'other'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
export const VISIT_KIND_LABELS: Record<VisitKind, string> = { home: '入户走访', phone: '电话联系', other: '其他方式' };

export const CADRE_STATUSES = ['active', 'retired', 'transferred'] as const;
export type CadreStatus = (typeof CADRE_STATUSES)[number];
export const CADRE_STATUS_LABELS: Record<CadreStatus, string> = { active: '在岗', retired: '已退休', transferred: '已调离' };

export const ATTENDANCE_STATUSES = ['in_village', 'official', 'leave', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export const ATTENDANCE_STATUS_LABELS: Record<AttendanceStatus, string> = {
  in_village: '在村',
  official: '因公外出',
  leave: '请假',
  absent: '缺勤',
};
// A day away on the team's own business (meetings in the township, trips for a project) is
// a working day for the village; leave and absence are not.
export const COUNTED_ATTENDANCE: readonly AttendanceStatus[] = ['in_village', 'official'];

/** Visit rules of one county for one year (visit_rule); defaults when a county set none. */
export type VisitRule = {
  /** 每户每月最少走访次数 (seed 第7篇: 每月至少两次) */
  minVisitsPerMonth: number;
  /** 每月走贫日 (seed 第7篇 "每月一个走贫日"), day of month, informational */
  visitDay: number | null;
  /** which kinds of contact count toward the monthly minimum */
  countedKinds: VisitKind[];
  /** household statuses that must be visited (others are not required even when paired) */
  requiredStatuses: string[];
  /** prorate the minimum when a household was paired (or not exempt) for part of the month */
  proratePartialMonth: boolean;
  /** 驻村工作队员每月最少在村天数 (seed 第6篇: 15天以上) */
  attendanceMinDays: number;
  /** quarterly work reports (seed 第5篇) are due on this day of the month after the quarter */
  reportDueDay: number;
};

export const DEFAULT_VISIT_RULE: VisitRule = {
  minVisitsPerMonth: 2,
  visitDay: null,
  countedKinds: ['home'],
  // 脱贫不脱帮扶: exited households stay paired and visited.
  requiredStatuses: ['identified', 'returned', 'monitored', 'exited'],
  proratePartialMonth: true,
  attendanceMinDays: 15,
  reportDueDay: 5,
};

// ---------------------------------------------------------------------------------------------
// Months

export type MonthKey = string; // 'YYYY-MM'
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonthKey(v: unknown): v is MonthKey {
  return typeof v === 'string' && MONTH_RE.test(v);
}

export type MonthRange = { key: MonthKey; year: number; month: number; first: IsoDate; last: IsoDate; days: number };

export function monthRange(key: MonthKey): MonthRange {
  const m = MONTH_RE.exec(key);
  if (!m) throw new RangeError(`月份“${key}”无效，应为 YYYY-MM`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const days = daysInMonth(year, month);
  const first = `${m[1]}-${m[2]}-01`;
  return { key, year, month, first, last: `${m[1]}-${m[2]}-${String(days).padStart(2, '0')}`, days };
}

export function monthOf(date: IsoDate): MonthKey {
  if (!isIsoDate(date)) throw new RangeError(`日期“${date}”无效`);
  return date.slice(0, 7);
}

export function addMonths(key: MonthKey, n: number): MonthKey {
  const r = monthRange(key);
  const idx = r.year * 12 + (r.month - 1) + n;
  const y = Math.floor(idx / 12);
  const mo = (idx % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}`;
}

/** The months of a year up to and including `until` (for trends of the current year). */
export function monthsOfYear(year: number, until?: MonthKey): MonthKey[] {
  const out: MonthKey[] = [];
  for (let m = 1; m <= 12; m++) {
    const k = `${year}-${String(m).padStart(2, '0')}`;
    if (until && k > until) break;
    out.push(k);
  }
  return out;
}

/** The date of the month's visit day (走贫日), clamped to the month's length. */
export function visitDayDate(key: MonthKey, visitDay: number | null): IsoDate | null {
  if (visitDay == null) return null;
  const r = monthRange(key);
  return `${key}-${String(Math.min(Math.max(1, visitDay), r.days)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Visit dates

/** A visit may be recorded for today or the past year; never for the future. */
export function visitDateProblem(date: IsoDate, today: IsoDate, maxAgeDays = 366): string | null {
  if (!isIsoDate(date)) return '走访日期格式应为 YYYY-MM-DD';
  if (date > today) return `走访日期 ${date} 晚于今天（${today}），不能登记未来的走访`;
  if (toDayNumber(today) - toDayNumber(date) > maxAgeDays) return `走访日期 ${date} 距今超过 ${maxAgeDays} 天，不能补登`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The household's month

export type PairingSpan = {
  cadreId: number;
  unitOrgId: number;
  cadreStatus: CadreStatus;
  /** when the cadre's current status began (null = unknown, treated as long ago) */
  cadreStatusSince: IsoDate | null;
  start: IsoDate;
  /** last day in force, inclusive; null = still in force */
  end: IsoDate | null;
};

/** An exemption of the household (cadreId null) or of one cadre's pairings, both ends inclusive. */
export type ExemptionSpan = { from: IsoDate; to: IsoDate; cadreId: number | null; reason?: string };

export type HouseholdMonthInput = {
  householdStatus: string;
  pairings: PairingSpan[];
  /** distinct days in the month with a counted visit by the cadre paired on that day */
  countedVisitDays: number;
  exemptions: ExemptionSpan[];
};

export type Outcome = 'met' | 'missed' | 'unassigned' | 'exempt' | 'not_required';
export const OUTCOME_LABELS: Record<Outcome, string> = {
  met: '已达标',
  missed: '未达标',
  unassigned: '需重新结对',
  exempt: '豁免',
  not_required: '不考核',
};

export type HouseholdMonthResult = {
  outcome: Outcome;
  required: number;
  done: number;
  pairedDays: number;
  effectiveDays: number;
  /** the cadre paired on the household's last paired day of the month */
  responsible: { cadreId: number; unitOrgId: number; cadreStatus: CadreStatus } | null;
  reason: string | null;
};

function spanCovers(start: number, end: number | null, day: number) {
  return start <= day && (end === null || day <= end);
}

const monthCache = new Map<MonthKey, MonthRange & { firstDay: number }>();
function cachedMonth(key: MonthKey) {
  let m = monthCache.get(key);
  if (!m) {
    m = { ...monthRange(key), firstDay: toDayNumber(monthRange(key).first) };
    monthCache.set(key, m);
  }
  return m;
}

/** Whether a cadre counted as inactive (retired / transferred) on a given day. */
export function cadreInactiveOn(p: Pick<PairingSpan, 'cadreStatus' | 'cadreStatusSince'>, day: IsoDate): boolean {
  if (p.cadreStatus === 'active') return false;
  return p.cadreStatusSince === null || p.cadreStatusSince <= day;
}

/** Minimum visits for a month in which the household counted on `effectiveDays` of `monthDays`. */
export function requiredVisits(rule: Pick<VisitRule, 'minVisitsPerMonth' | 'proratePartialMonth'>, effectiveDays: number, monthDays: number): number {
  if (effectiveDays <= 0 || rule.minVisitsPerMonth <= 0) return 0;
  if (!rule.proratePartialMonth || effectiveDays >= monthDays) return rule.minVisitsPerMonth;
  // Rounded half up: with a minimum of 2, a week or less asks nothing, 8–23 days ask one visit.
  return Math.floor((rule.minVisitsPerMonth * effectiveDays) / monthDays + 0.5);
}

/**
 * Decides one household's month: paired days, days not exempt, visits required and made, and
 * the outcome. The responsible cadre is the one paired on the last paired day of the month, so
 * a pairing changed mid-month is the new cadre's, while visits of the old cadre made while
 * paired still count for the household.
 */
export function evaluateHouseholdMonth(input: HouseholdMonthInput, rule: VisitRule, key: MonthKey): HouseholdMonthResult {
  const r = cachedMonth(key);
  const done = input.countedVisitDays;
  // One object per result and no spreads: this runs for every household of a county.
  const out = (
    outcome: Outcome,
    required: number,
    pairedDays: number,
    effectiveDays: number,
    responsible: HouseholdMonthResult['responsible'],
    reason: string | null,
  ): HouseholdMonthResult => ({ outcome, required, done, pairedDays, effectiveDays, responsible, reason });
  if (!rule.requiredStatuses.includes(input.householdStatus)) return out('not_required', 0, 0, 0, null, '户状态不在走访考核范围内');
  const first = r.firstDay;
  const last = first + r.days - 1;

  let pairedDays = 0;
  let effectiveDays = 0;
  let lastPaired: PairingSpan | null = null;
  const spans = [];
  for (const p of input.pairings) {
    const s = toDayNumber(p.start);
    const e = p.end === null ? null : toDayNumber(p.end);
    if (e === null || e >= s) spans.push({ p, s, e });
  }
  if (spans.length > 1) spans.sort((a, b) => a.s - b.s);
  // The common case — spans that do not overlap, no exemption — is counted from the spans
  // clipped to the month, without a loop over the days.
  let disjoint = input.exemptions.length === 0;
  let prevEnd = -Infinity;
  for (const x of spans) {
    if (!disjoint) break;
    if (x.s <= prevEnd) disjoint = false;
    prevEnd = x.e ?? Infinity;
  }
  if (disjoint) {
    for (const x of spans) {
      const s = x.s > first ? x.s : first;
      const e = x.e === null || x.e > last ? last : x.e;
      if (e < s) continue;
      pairedDays += e - s + 1;
      lastPaired = x.p;
    }
    effectiveDays = pairedDays;
  } else {
    const ex = input.exemptions.map((e) => ({ s: toDayNumber(e.from), e: toDayNumber(e.to), cadreId: e.cadreId }));
    for (let d = first; d <= last; d++) {
      // Overlapping spans are a data error the service prevents; the latest start wins.
      let cur: PairingSpan | null = null;
      for (const x of spans) if (spanCovers(x.s, x.e, d)) cur = x.p;
      if (!cur) continue;
      pairedDays++;
      lastPaired = cur;
      const exempt = ex.some((x) => d >= x.s && d <= x.e && (x.cadreId === null || x.cadreId === cur.cadreId));
      if (!exempt) effectiveDays++;
    }
  }
  if (!lastPaired) return out('not_required', 0, 0, 0, null, '本月未结对');
  const responsible = { cadreId: lastPaired.cadreId, unitOrgId: lastPaired.unitOrgId, cadreStatus: lastPaired.cadreStatus };
  if (effectiveDays === 0) return out('exempt', 0, pairedDays, 0, responsible, '本月结对期内全部豁免');
  const required = requiredVisits(rule, effectiveDays, r.days);
  if (required === 0) return out('exempt', 0, pairedDays, effectiveDays, responsible, `本月有效结对仅 ${effectiveDays} 天，不作走访要求`);
  if (done >= required) return out('met', required, pairedDays, effectiveDays, responsible, null);
  // Retired cadres are exempt from pairing (seed 第4篇): their unit is not charged with the
  // household, but the village still is, and the household is listed for re-pairing.
  if (cadreInactiveOn(lastPaired, r.last)) {
    return out('unassigned', required, pairedDays, effectiveDays, responsible, `帮扶责任人${CADRE_STATUS_LABELS[lastPaired.cadreStatus]}，需重新结对`);
  }
  return out('missed', required, pairedDays, effectiveDays, responsible, `本月应走访 ${required} 次，已走访 ${done} 次`);
}

// ---------------------------------------------------------------------------------------------
// Rates

export type RateLevel = 'person' | 'area';

export type RateTotals = {
  /** households in the denominator */
  required: number;
  met: number;
  missed: number;
  unassigned: number;
  exempt: number;
  /** ratio 0..1, null when nothing was required */
  rate: number | null;
};

/**
 * 走访率 = households visited as required / households required. For a cadre or a unit
 * ('person') households whose cadre retired or left are not counted (they are not that
 * person's duty any more); for a village, township or county ('area') they are, because the
 * household still went unvisited.
 */
export function aggregateRate(outcomes: Iterable<Outcome>, level: RateLevel): RateTotals {
  const t = { met: 0, missed: 0, unassigned: 0, exempt: 0 };
  for (const o of outcomes) if (o !== 'not_required') t[o]++;
  return rateOfCounts(t, level);
}

/** The same from outcome counts (what SQL counting returns). */
export function rateOfCounts(t: Record<Exclude<Outcome, 'not_required'>, number>, level: RateLevel): RateTotals {
  const required = t.met + t.missed + (level === 'area' ? t.unassigned : 0);
  return { required, met: t.met, missed: t.missed, unassigned: t.unassigned, exempt: t.exempt, rate: required ? t.met / required : null };
}

/** 0.981481… → '98.15%'; null → '—'. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${(Math.round(rate * 10000) / 100).toFixed(2)}%`;
}

// ---------------------------------------------------------------------------------------------
// Resident team attendance (seed 第6篇: 不能按要求驻村15天以上)

export type AttendanceResult = {
  /** days of the month inside the member's term */
  termDays: number;
  required: number;
  present: number;
  /** null when nothing was required (term outside the month) */
  compliant: boolean | null;
};

export function evaluateAttendance(
  term: { start: IsoDate; end: IsoDate | null },
  days: { date: IsoDate; status: AttendanceStatus }[],
  key: MonthKey,
  minDays: number,
): AttendanceResult {
  const r = monthRange(key);
  const s = Math.max(toDayNumber(term.start), toDayNumber(r.first));
  const e = Math.min(term.end === null ? Infinity : toDayNumber(term.end), toDayNumber(r.last));
  const termDays = e >= s ? e - s + 1 : 0;
  const present = new Set(
    days
      .filter((d) => COUNTED_ATTENDANCE.includes(d.status) && d.date >= r.first && d.date <= r.last)
      .filter((d) => {
        const n = toDayNumber(d.date);
        return n >= s && n <= e;
      })
      .map((d) => d.date),
  ).size;
  if (termDays === 0 || minDays <= 0) return { termDays, required: 0, present, compliant: null };
  const required = termDays >= r.days ? minDays : Math.min(termDays, Math.floor((minDays * termDays) / r.days + 0.5));
  if (required === 0) return { termDays, required, present, compliant: null };
  return { termDays, required, present, compliant: present >= required };
}

// ---------------------------------------------------------------------------------------------
// Quarterly work reports (seed 第5篇: 驻村干部每个季度汇报一次)

export function quarterOf(date: IsoDate): { year: number; quarter: 1 | 2 | 3 | 4 } {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return { year: y, quarter: (Math.floor((m - 1) / 3) + 1) as 1 | 2 | 3 | 4 };
}

export function quarterRange(year: number, quarter: number): { first: IsoDate; last: IsoDate } {
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw new RangeError(`季度应为 1–4：${quarter}`);
  const m1 = (quarter - 1) * 3 + 1;
  const m3 = m1 + 2;
  const y = String(year).padStart(4, '0');
  return { first: `${y}-${String(m1).padStart(2, '0')}-01`, last: `${y}-${String(m3).padStart(2, '0')}-${daysInMonth(year, m3)}` };
}

/** The report of a quarter is due on `dueDay` of the month after it (Q4 → January next year). */
export function reportDueDate(year: number, quarter: number, dueDay: number): IsoDate {
  const { last } = quarterRange(year, quarter);
  const next = monthRange(monthOf(addDays(last, 1)));
  return `${next.key}-${String(Math.min(Math.max(1, dueDay), next.days)).padStart(2, '0')}`;
}

export type ReportState = 'not_due' | 'due' | 'overdue' | 'submitted' | 'late';
export const REPORT_STATE_LABELS: Record<ReportState, string> = {
  not_due: '未到期',
  due: '待提交',
  overdue: '逾期未交',
  submitted: '已按时提交',
  late: '逾期提交',
};

/**
 * `quarterEnd` separates "not yet due" (the quarter is still running) from "due" (the quarter
 * has ended and the due date has not passed).
 */
export function reportState(due: IsoDate, quarterEnd: IsoDate, submittedOn: IsoDate | null, today: IsoDate): ReportState {
  if (submittedOn) return submittedOn <= due ? 'submitted' : 'late';
  if (today > due) return 'overdue';
  return today > quarterEnd ? 'due' : 'not_due';
}

/** Whether a member's term overlaps a period (both inclusive). */
export function overlaps(a: { start: IsoDate; end: IsoDate | null }, from: IsoDate, to: IsoDate): boolean {
  return a.start <= to && (a.end === null || a.end >= from);
}


// --- Day masks of visit_day_tally (042_visit_tally.sql): bit d−1 = day d of the month ---

/** The days of the month a pairing from `start` to `end` (inclusive, null = open) covers, as a mask. */
export function pairingDaysMask(r: Pick<MonthRange, 'first' | 'last' | 'days'>, start: IsoDate, end: IsoDate | null): number {
  if (start > r.last || (end !== null && (end < r.first || end < start))) return 0;
  const s = start <= r.first ? 0 : Number(start.slice(8)) - 1;
  const e = end === null || end >= r.last ? r.days - 1 : Number(end.slice(8)) - 1;
  // Day 31 is bit 30: masks stay positive 31-bit integers.
  const upTo = e >= 30 ? 0x7fffffff : (1 << (e + 1)) - 1;
  return upTo & ~((1 << s) - 1);
}

/** Visit days of the counted kinds in a tally row. */
export function countedDaysMask(row: { home_days: number | null; phone_days: number | null; other_days: number | null }, kinds: readonly string[]): number {
  let m = 0;
  if (kinds.includes('home')) m |= row.home_days ?? 0;
  if (kinds.includes('phone')) m |= row.phone_days ?? 0;
  if (kinds.includes('other')) m |= row.other_days ?? 0;
  return m;
}

export function daysInMask(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** The last day (1–31) in a mask, or 0 for none. */
export function lastDayInMask(mask: number): number {
  return mask ? 32 - Math.clz32(mask) : 0;
}
