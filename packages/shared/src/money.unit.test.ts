import { describe, expect, it } from 'vitest';
import { fenToYuan, MoneyFormatError, mulDivRound, parseYuan, roundHalfUp, yuanToFen } from './money';
import { seededRandom } from './testing/random';

describe('yuan to fen', () => {
  it('reads the ways amounts are written', () => {
    const cases: [string | number, number][] = [
      ['20000', 2_000_000],
      ['20,000.50', 2_000_050],
      ['２００００', 2_000_000],
      ['２０，０００．５', 2_000_050],
      [' ¥1,234,567.89 ', 123_456_789],
      ['20000元', 2_000_000],
      ['0.01', 1],
      ['1.500', 150],
      ['0', 0],
      [20000.5, 2_000_050],
      [0.07, 7],
    ];
    for (const [input, fen] of cases) expect(yuanToFen(input), String(input)).toBe(fen);
  });

  it('refuses what it cannot read exactly, saying why in Chinese', () => {
    const cases: [string | number, RegExp][] = [
      ['', /不能为空/],
      ['-5', /不能为负数/],
      [-0.5, /不能为负数/],
      ['1.234', /两位小数/],
      [0.1 + 0.2, /两位小数/],
      [1e-7, /两位小数/],
      ['2,0000', /千分位/],
      ['20,000,00', /千分位/],
      ['abc', /格式不正确/],
      ['1.', /格式不正确/],
      ['.5', /格式不正确/],
      ['+5', /格式不正确/],
      ['90071992547409.92', /过大/],
      [1e21, /过大/],
      [Number.NaN, /有限/],
    ];
    for (const [input, reason] of cases) {
      const result = parseYuan(input);
      expect(result.ok, String(input)).toBe(false);
      if (!result.ok) expect(result.reason, String(input)).toMatch(reason);
    }
  });

  it('throws a MoneyFormatError carrying the input and the reason', () => {
    try {
      yuanToFen('1.234');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoneyFormatError);
      expect((e as MoneyFormatError).input).toBe('1.234');
      expect((e as MoneyFormatError).message).toMatch(/两位小数/);
    }
  });
});

describe('fen to yuan', () => {
  it('always shows two decimals, thousands separators on request', () => {
    expect(fenToYuan(2_000_050)).toBe('20000.50');
    expect(fenToYuan(2_000_050, { thousands: true })).toBe('20,000.50');
    expect(fenToYuan(123_456_789_00, { thousands: true })).toBe('123,456,789.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-150)).toBe('-1.50');
    expect(fenToYuan(99_999, { thousands: true })).toBe('999.99');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });

  it('round-trips through yuanToFen for any amount', () => {
    const rnd = seededRandom(100);
    for (let i = 0; i < 1000; i++) {
      const fen = rnd.int(0, 2 ** 50);
      expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      expect(yuanToFen(fenToYuan(fen, { thousands: true }))).toBe(fen);
    }
  });
});

describe('rounding', () => {
  it('rounds halves away from zero and everything else to nearest', () => {
    expect(roundHalfUp(5n, 2n)).toBe(3n);
    expect(roundHalfUp(7n, 3n)).toBe(2n);
    expect(roundHalfUp(8n, 3n)).toBe(3n);
    expect(roundHalfUp(-5n, 2n)).toBe(-3n);
    expect(roundHalfUp(5n, -2n)).toBe(-3n);
    expect(roundHalfUp(-7n, -3n)).toBe(2n);
    expect(() => roundHalfUp(1n, 0n)).toThrow(/除数不能为 0/);
  });

  it('mulDivRound keeps products that floating point would round', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(mulDivRound(max, 3, 3)).toBe(max);
    // max × 10 is not representable as a double; the exact quotient ends in .5.
    expect(mulDivRound(max, 10, 20)).toBe(4_503_599_627_370_496);
    expect(Math.round((max * 10) / 20)).toBe(4_503_599_627_370_495);
    expect(mulDivRound(2_000_000, 258 * 365, 3_600_000)).toBe(52_317);
    expect(() => mulDivRound(max, 2, 1)).toThrow(/安全整数/);
    expect(() => mulDivRound(1.5, 2, 1)).toThrow(/整数/);
  });

  it('mulDivRound matches exact decimal rounding on small values', () => {
    const rnd = seededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const [a, b, c] = [rnd.int(0, 10_000), rnd.int(0, 10_000), rnd.int(1, 1000)];
      const q = Math.floor((a * b) / c);
      const twiceRemainder = 2 * ((a * b) % c);
      expect(mulDivRound(a, b, c)).toBe(twiceRemainder >= c ? q + 1 : q);
    }
  });
});
