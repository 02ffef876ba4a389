/**
 * Interest subsidy (贴息) on a household poverty loan (seed §1 第三条5–6): principal ×
 * annual subsidy rate × days ÷ day-count basis, rounded half-up to the fen. The rate
 * and basis are scheme parameters; the formula text goes on every roster so a
 * farmer, the coop and the finance office can check the figure by hand.
 */
import { daysBetween, type IsoDate } from './date';
import { fenToYuan, roundHalfUp } from './money';

export type DayCountBasis = 360 | 365;

export interface SubsidyInput {
  principalFen: number;
  /** Annual subsidy rate in basis points: 2.58% = 258. */
  annualRateBp: number;
  /** Interest runs from the day after startDate up to and including endDate. */
  startDate: IsoDate;
  endDate: IsoDate;
  dayCountBasis: DayCountBasis;
}

export interface SubsidyResult {
  fen: number;
  days: number;
  /** e.g. '20000.00元 × 2.58% × 365天 ÷ 360 = 523.17元' */
  formula: string;
}

function formatRateBp(bp: number): string {
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

/** Throws RangeError (Chinese message) on invalid parameters or an end date before the start. */
export function subsidyFen(input: SubsidyInput): SubsidyResult {
  const { principalFen, annualRateBp, startDate, endDate, dayCountBasis } = input;
  if (!Number.isSafeInteger(principalFen) || principalFen < 0) {
    throw new RangeError(`贷款本金必须是非负整数（单位：分）：${principalFen}`);
  }
  if (!Number.isSafeInteger(annualRateBp) || annualRateBp < 0) {
    throw new RangeError(`年贴息率必须是非负整数（单位：基点，2.58% 记为 258）：${annualRateBp}`);
  }
  // FINERACT-343/2359: a basis configured as 360 but silently computed as 365; never default it.
  if (dayCountBasis !== 360 && dayCountBasis !== 365) {
    throw new RangeError(`计息天数基数只能是 360 或 365：${String(dayCountBasis)}`);
  }
  const days = daysBetween(startDate, endDate);
  if (days < 0) throw new RangeError(`贴息结束日期 ${endDate} 早于开始日期 ${startDate}`);

  const fen = Number(
    roundHalfUp(BigInt(principalFen) * BigInt(annualRateBp) * BigInt(days), 10_000n * BigInt(dayCountBasis)),
  );
  const formula = `${fenToYuan(principalFen)}元 × ${formatRateBp(annualRateBp)} × ${days}天 ÷ ${dayCountBasis} = ${fenToYuan(fen)}元`;
  return { fen, days, formula };
}
