/**
 * Calendar dates as plain 'YYYY-MM-DD' strings.
 *
 * A date here is a day in the Chinese civil calendar, not an instant: converting it
 * through `new Date('YYYY-MM-DD')` and local-time getters shifts it by a day in any
 * time zone west of UTC, so all arithmetic is done on day numbers (days since
 * 1970-01-01) with a proleptic Gregorian algorithm that never touches a Date.
 */

export type IsoDate = string;

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
// China has used a single UTC+8 offset with no daylight saving since 1991.
const CHINA_OFFSET_MS = 8 * 3_600_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Splits a 'YYYY-MM-DD' string into numbers, or null if it is not a real date. */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const m = ISO_DATE_RE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && parseIsoDate(value) !== null;
}

function invalidDate(value: unknown): RangeError {
  return new RangeError(`日期“${String(value)}”无效，应为 YYYY-MM-DD 格式的真实日期`);
}

// Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Days since 1970-01-01; throws RangeError (Chinese message) for an invalid date. */
export function toDayNumber(date: IsoDate): number {
  const p = typeof date === 'string' ? parseIsoDate(date) : null;
  if (!p) throw invalidDate(date);
  return daysFromCivil(p.year, p.month, p.day);
}

export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isSafeInteger(dayNumber)) throw new RangeError(`日序号必须是整数：${dayNumber}`);
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) throw new RangeError(`日期超出可表示范围（0000–9999 年）：${dayNumber}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** `to − from` in calendar days (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** 0 = Sunday … 6 = Saturday, as in Date#getDay. */
export function weekdayOf(date: IsoDate): number {
  return weekdayOfDayNumber(toDayNumber(date));
}

export function weekdayOfDayNumber(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** The calendar date in China (Asia/Shanghai) at the given instant. */
export function todayInChina(now: Date = new Date()): IsoDate {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('无效的时间');
  return fromDayNumber(Math.floor((ms + CHINA_OFFSET_MS) / MS_PER_DAY));
}
