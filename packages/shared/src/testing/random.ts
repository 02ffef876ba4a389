/**
 * A seeded generator for property tests: a failing case can be replayed by seed,
 * which Math.random cannot offer.
 */
import { fromDayNumber, toDayNumber, type IsoDate } from '../date';

export interface Random {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  date(from: IsoDate, to: IsoDate): IsoDate;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  // mulberry32
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    pick: (items) => items[int(0, items.length - 1)],
    date: (from, to) => fromDayNumber(int(toDayNumber(from), toDayNumber(to))),
  };
}
