/**
 * The Chinese working-day calendar: weekends, statutory holidays and the adjusted
 * working weekends (调休) published by the State Council, plus an override table an
 * administrator maintains (it wins over everything, because the next year's schedule
 * is published around November and the package lags behind).
 *
 * The published schedule is read from chinese-days' static JSON rather than through
 * its functions: those build their lookup tables with local-time getters, which in
 * any time zone west of UTC shifts every holiday by one day (checked with
 * TZ=America/New_York: 2026-10-10, an adjusted working Saturday, came back as a
 * plain weekend). A browser must not get a different calendar from the server.
 */
import published from 'chinese-days/dist/chinese-days.json';
import { fromDayNumber, toDayNumber, weekdayOfDayNumber, type IsoDate } from './date';

export { todayInChina } from './date';

export type CalendarOverrideKind = 'workday' | 'holiday';

export interface CalendarOverride {
  date: IsoDate;
  kind: CalendarOverrideKind;
  note?: string;
}

export type DaySource = 'override' | 'statutory-holiday' | 'adjusted-workday' | 'weekend' | 'weekday';

export interface DayInfo {
  date: IsoDate;
  working: boolean;
  source: DaySource;
  /** Holiday name (国庆节) or the override's note. */
  name?: string;
}

export interface WorkingCalendar {
  isWorkingDay(date: IsoDate): boolean;
  dayInfo(date: IsoDate): DayInfo;
  /**
   * The n-th working day after `date`, which itself is not counted. n = 0 gives
   * `date` if it is a working day, else the next one (a deadline that falls on a
   * holiday moves forward). Negative n counts backwards (the n-th working day
   * strictly before `date`), for schedules worked back from a deadline.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /** `date` if it is a working day, else the next one; same as addWorkingDays(date, 0). */
  workingDayOnOrAfter(date: IsoDate): IsoDate;
  /**
   * Working days d with from < d ≤ to ("working days left" from today to a due
   * date); when to < from, minus the working days with to < d ≤ from. Antisymmetric
   * and additive: between(a, b) + between(b, c) = between(a, c).
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
  /** Whether the package carries the State Council's schedule for this year. */
  hasPublishedSchedule(year: number): boolean;
}

interface PublishedSchedule {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

// Entries look like "National Day,国庆节,3": English name, Chinese name, holiday id.
const chineseName = (entry: string): string => entry.split(',')[1] ?? entry;

function indexByDay(entries: Record<string, string>): Map<number, string> {
  return new Map(Object.entries(entries).map(([date, entry]) => [toDayNumber(date), chineseName(entry)]));
}

const schedule = published as PublishedSchedule;
const statutoryHolidays = indexByDay(schedule.holidays);
const adjustedWorkdays = indexByDay(schedule.workdays);
const publishedYears = new Set(Object.keys(schedule.holidays).map((d) => Number(d.slice(0, 4))));

// Bounds a loop that could otherwise run away on a mistyped n (e.g. 1e9).
const MAX_WORKING_DAYS = 100_000;

export function createCalendar(overrides: readonly CalendarOverride[] = []): WorkingCalendar {
  const overrideByDay = new Map<number, CalendarOverride>();
  overrides.forEach((o, i) => {
    const row = `调休覆盖表第 ${i + 1} 行`;
    let day: number;
    try {
      day = toDayNumber(o.date);
    } catch (e) {
      throw new RangeError(`${row}：${(e as Error).message}`);
    }
    if (o.kind !== 'workday' && o.kind !== 'holiday') {
      throw new RangeError(`${row}：类型必须是 workday（上班）或 holiday（放假），而不是 ${String(o.kind)}`);
    }
    const previous = overrideByDay.get(day);
    if (previous && previous.kind !== o.kind) {
      throw new RangeError(`${row}：${o.date} 同时被设为上班和放假，请删除其中一条`);
    }
    overrideByDay.set(day, o);
  });

  function infoOf(day: number): Omit<DayInfo, 'date'> {
    const override = overrideByDay.get(day);
    if (override) return { working: override.kind === 'workday', source: 'override', name: override.note };
    const holiday = statutoryHolidays.get(day);
    if (holiday !== undefined) return { working: false, source: 'statutory-holiday', name: holiday };
    const workday = adjustedWorkdays.get(day);
    if (workday !== undefined) return { working: true, source: 'adjusted-workday', name: workday };
    const weekday = weekdayOfDayNumber(day);
    return weekday === 0 || weekday === 6 ? { working: false, source: 'weekend' } : { working: true, source: 'weekday' };
  }

  const isWorking = (day: number): boolean => infoOf(day).working;

  function countWorking(fromExclusive: number, toInclusive: number): number {
    let count = 0;
    for (let d = fromExclusive + 1; d <= toInclusive; d++) if (isWorking(d)) count++;
    return count;
  }

  function addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_WORKING_DAYS) {
      throw new RangeError(`工作日天数必须是绝对值不超过 ${MAX_WORKING_DAYS} 的整数：${n}`);
    }
    let day = toDayNumber(date);
    if (n === 0) {
      while (!isWorking(day)) day++;
      return fromDayNumber(day);
    }
    const step = n > 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      day += step;
      if (isWorking(day)) left--;
    }
    return fromDayNumber(day);
  }

  return {
    isWorkingDay: (date) => isWorking(toDayNumber(date)),
    dayInfo: (date) => ({ date, ...infoOf(toDayNumber(date)) }),
    addWorkingDays,
    nextWorkingDay: (date) => addWorkingDays(date, 1),
    workingDayOnOrAfter: (date) => addWorkingDays(date, 0),
    workingDaysBetween(from, to) {
      const a = toDayNumber(from);
      const b = toDayNumber(to);
      return a <= b ? countWorking(a, b) : -countWorking(b, a);
    },
    hasPublishedSchedule: (year) => publishedYears.has(year),
  };
}
