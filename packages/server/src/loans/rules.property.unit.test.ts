/**
 * Property tests over random loans, repayments and dates. fast-check is not installed, so a
 * small seeded generator (mulberry32) drives them; a failure prints the seed and the case so it
 * can be replayed.
 */
import { describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays, daysBetween } from '@fupin/shared/date';
import { subsidyFen } from '@fupin/shared/subsidy';
import { buildSchedule, computeSubsidy, DEFAULT_SCHEME, evaluateLoan, reportDueDate, stageDueDate, type Repayment } from './rules';

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)] };
}

const cal = createCalendar();
const RUNS = 400;
const SEED = 20261129;

type Case = {
  principalFen: number;
  disbursedOn: string;
  termMonths: number;
  kind: 'bullet' | 'instalments';
  count?: number;
  repayments: Repayment[];
  asOf: string;
};

function randomCase(r: ReturnType<typeof rng>): Case {
  const principalFen = r.int(1, 10_000_000);
  // Dates around the holidays the calendar knows (2024–2026)
  const disbursedOn = addDays('2024-01-01', r.int(0, 365 * 2));
  const kind = r.next() < 0.5 ? 'bullet' : 'instalments';
  const count = kind === 'instalments' ? r.pick([2, 3, 4, 6, 12] as const) : undefined;
  const termMonths = count ? count * r.int(1, Math.floor(12 / count)) : r.int(1, 12);
  const sched = buildSchedule({ principalFen, disbursedOn, termMonths, kind, count });
  // Pay in 1–4 pieces, each on a random day near its due date (early, on time, a little late).
  const repayments: Repayment[] = [];
  let left = principalFen;
  const pieces = r.int(1, 4);
  const fullyPay = r.next() < 0.8;
  for (let i = 0; i < pieces && left > 0; i++) {
    const amount = i === pieces - 1 && fullyPay ? left : r.int(1, left);
    const target = sched[Math.min(sched.length - 1, Math.floor((i / pieces) * sched.length))].dueDate;
    repayments.push({ id: i + 1, paidOn: addDays(target, r.int(-60, 10)), principalFen: amount });
    left -= amount;
  }
  for (const p of repayments) if (p.paidOn <= disbursedOn) p.paidOn = addDays(disbursedOn, 1);
  return { principalFen, disbursedOn, termMonths, kind, count, repayments, asOf: addDays(disbursedOn, 800) };
}

describe('subsidy properties', () => {
  it('never negative, whole fen, zero when late (forfeit_all), bounded by the full-term figure', () => {
    const r = rng(SEED);
    for (let n = 0; n < RUNS; n++) {
      const c = randomCase(r);
      const schedule = buildSchedule(c);
      const ev = evaluateLoan({ schedule, repayments: c.repayments, asOf: c.asOf, cal });
      const s = computeSubsidy({ production: true, writtenOff: false, scheme: DEFAULT_SCHEME, disbursedOn: c.disbursedOn, evaluation: ev });
      const ctx = JSON.stringify({ seed: SEED, n, c });
      expect(Number.isSafeInteger(s.amountFen), ctx).toBe(true);
      expect(s.amountFen, ctx).toBeGreaterThanOrEqual(0);
      if (ev.anyLate) expect(s.amountFen, ctx).toBe(0);
      if (ev.fullyRepaid && !ev.anyLate) expect(s.status, ctx).toBe('earned');
      if (!ev.fullyRepaid && !ev.anyLate) expect(s.status, ctx).toBe('pending');
      // Never more than the whole principal borrowed until maturity.
      const maturity = schedule[schedule.length - 1].dueDate;
      const cap = subsidyFen({ principalFen: c.principalFen, annualRateBp: 258, startDate: c.disbursedOn, endDate: maturity, dayCountBasis: 360 }).fen;
      expect(s.amountFen, ctx).toBeLessThanOrEqual(cap + s.lines.length); // + at most ½ fen rounding per line
      // Every line is principal × rate × days ÷ basis rounded half-up to the fen.
      for (const l of s.lines) {
        const exact = (l.principalFen * 258 * l.days) / (10_000 * 360);
        expect(Math.abs(l.fen - exact), ctx).toBeLessThanOrEqual(0.5);
        expect(l.days, ctx).toBe(daysBetween(l.startDate, l.endDate));
      }
      expect(s.amountFen).toBe(s.lines.reduce((a, l) => a + l.fen, 0));
    }
  });

  it('allocation conserves money: repaid + outstanding = principal, allocations = repayments', () => {
    const r = rng(SEED + 1);
    for (let n = 0; n < RUNS; n++) {
      const c = randomCase(r);
      const ev = evaluateLoan({ schedule: buildSchedule(c), repayments: c.repayments, asOf: c.asOf, cal });
      const paid = c.repayments.reduce((a, p) => a + p.principalFen, 0);
      expect(ev.repaidFen).toBe(paid);
      expect(ev.repaidFen + ev.outstandingFen).toBe(c.principalFen);
      expect(ev.instalments.flatMap((i) => i.allocations).reduce((a, x) => a + x.amountFen, 0)).toBe(paid);
      expect(ev.fullyRepaid).toBe(paid === c.principalFen);
    }
  });

  it('paying later never earns more (bullet, on time), and one day late earns nothing', () => {
    const r = rng(SEED + 2);
    for (let n = 0; n < RUNS; n++) {
      const principalFen = r.int(1, 5_000_000);
      const disbursedOn = addDays('2024-06-01', r.int(0, 700));
      const sched = buildSchedule({ principalFen, disbursedOn, termMonths: r.int(1, 12), kind: 'bullet' });
      const grace = cal.workingDayOnOrAfter(sched[0].dueDate);
      const d1 = addDays(disbursedOn, r.int(1, daysBetween(disbursedOn, grace)));
      const d2 = addDays(d1, r.int(0, daysBetween(d1, grace)));
      const sub = (paidOn: string) =>
        computeSubsidy({
          production: true,
          writtenOff: false,
          scheme: DEFAULT_SCHEME,
          disbursedOn,
          evaluation: evaluateLoan({ schedule: sched, repayments: [{ paidOn, principalFen }], asOf: '2030-01-01', cal }),
        }).amountFen;
      expect(sub(d1)).toBeLessThanOrEqual(sub(d2));
      expect(sub(addDays(grace, 1))).toBe(0);
    }
  });
});

describe('deadline properties', () => {
  const stages = ['village', 'station', 'coop', 'county_office'] as const;
  it('a review deadline is a working day exactly n working days later, never earlier', () => {
    const r = rng(SEED + 3);
    for (let n = 0; n < RUNS; n++) {
      const arrived = addDays('2025-01-01', r.int(0, 700));
      const stage = r.pick(stages);
      const due = stageDueDate(cal, DEFAULT_SCHEME, stage, arrived);
      const days = stage === 'station' || stage === 'village' ? 5 : 10;
      expect(cal.isWorkingDay(due)).toBe(true);
      expect(due > arrived).toBe(true);
      expect(cal.workingDaysBetween(arrived, due)).toBe(days);
      expect(cal.workingDaysBetween(arrived, addDays(due, -1))).toBe(days - 1);
    }
  });

  it('a report deadline is the first working day on or after the 5th of the quarter’s first month', () => {
    for (let year = 2024; year <= 2026; year++) {
      for (const quarter of [1, 2, 3, 4] as const) {
        const due = reportDueDate(cal, { year, quarter }, 5);
        expect(cal.isWorkingDay(due)).toBe(true);
        const nominal = quarter === 4 ? `${year + 1}-01-05` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-05`;
        expect(due >= nominal).toBe(true);
        for (let d = nominal; d < due; d = addDays(d, 1)) expect(cal.isWorkingDay(d)).toBe(false);
      }
    }
  });
});
