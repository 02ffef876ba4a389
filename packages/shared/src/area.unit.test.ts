import { describe, expect, it } from 'vitest';
import {
  AREA_LEVELS,
  ancestorsOf,
  areaCodeFromPrefix,
  areaLevelOf,
  areaPrefix,
  checkAreaCode,
  countyCodeOf,
  isValidAreaCode,
  isWithin,
  parentCodeOf,
  type AreaLevel,
} from './area';
import { seededRandom } from './testing/random';

const GROUP = '341202001001001';

describe('area levels', () => {
  it('tells each level from the code’s shape', () => {
    const cases: [string, AreaLevel][] = [
      ['340000', 'province'],
      ['341200', 'city'],
      ['341202', 'county'],
      ['110101', 'county'],
      ['341202001', 'township'],
      ['441900003', 'township'], // 东莞: towns directly under a city without counties
      ['341202001001', 'village'],
      [GROUP, 'group'],
    ];
    for (const [code, level] of cases) expect(areaLevelOf(code), code).toBe(level);
  });

  it('refuses malformed codes with a Chinese reason', () => {
    const cases: [string, RegExp][] = [
      ['', /不能为空/],
      ['34120a', /只能包含数字/],
      ['3412', /当前为4位/],
      ['3412020011', /当前为10位/],
      ['990000', /省级代码 99 不存在/],
      ['000000', /省级代码 00 不存在/],
      ['340012', /市级部分为 00/],
      ['340000001', /乡镇代码.*是省级代码/],
      ['341202000', /末三位不能为 000/],
      ['341202001000', /末三位不能为 000/],
      ['341202000001', /末三位不能为 000/],
      ['341202001001000', /末三位不能为 000/],
    ];
    for (const [code, reason] of cases) {
      const check = checkAreaCode(code);
      expect(check.ok, code).toBe(false);
      if (!check.ok) expect(check.reason, code).toMatch(reason);
      expect(isValidAreaCode(code)).toBe(false);
      expect(() => areaLevelOf(code)).toThrow(RangeError);
    }
  });
});

describe('prefixes and the tree', () => {
  it('uses the significant digits as prefix and can map back', () => {
    expect(areaPrefix('340000')).toBe('34');
    expect(areaPrefix('341200')).toBe('3412');
    expect(areaPrefix('341202')).toBe('341202');
    expect(areaPrefix('341202001')).toBe('341202001');
    expect(areaCodeFromPrefix('34')).toBe('340000');
    expect(areaCodeFromPrefix('3412')).toBe('341200');
    expect(areaCodeFromPrefix('341202001')).toBe('341202001');
    expect(() => areaCodeFromPrefix('3400')).toThrow(RangeError);
    expect(() => areaCodeFromPrefix('340')).toThrow(RangeError);
  });

  it('finds the partitioning county code for the county and everything below it', () => {
    expect(countyCodeOf('340000')).toBeNull();
    expect(countyCodeOf('341200')).toBeNull();
    expect(countyCodeOf('341202')).toBe('341202');
    expect(countyCodeOf(GROUP)).toBe('341202');
    expect(countyCodeOf('441900003')).toBe('441900');
  });

  it('walks up to the province', () => {
    expect(parentCodeOf('340000')).toBeNull();
    expect(parentCodeOf('341200')).toBe('340000');
    expect(parentCodeOf('341202')).toBe('341200');
    expect(parentCodeOf('441900003')).toBe('441900');
    expect(ancestorsOf(GROUP)).toEqual(['340000', '341200', '341202', '341202001', '341202001001']);
    expect(ancestorsOf('340000')).toEqual([]);
  });

  it('decides scope by prefix and fails closed on malformed codes', () => {
    expect(isWithin(GROUP, '340000')).toBe(true);
    expect(isWithin('341202001', '341202001')).toBe(true);
    expect(isWithin('441900003', '441900')).toBe(true);
    expect(isWithin('341202', '341100')).toBe(false);
    expect(isWithin('340000', '341200')).toBe(false);
    expect(isWithin('341202001', '341202002')).toBe(false);
    expect(isWithin('341202001001', '34120200')).toBe(false);
    expect(isWithin('3412020010010', '341202')).toBe(false);
  });

  it('keeps parent, prefix and scope consistent for random codes of every level', () => {
    const rnd = seededRandom(2260);
    const seg = (width: number) => String(rnd.int(1, 10 ** width - 1)).padStart(width, '0');
    const rank = (code: string) => AREA_LEVELS.findIndex((l) => l.level === areaLevelOf(code));
    for (let i = 0; i < 300; i++) {
      const province = rnd.pick(['11', '34', '44', '53', '65']);
      const group = `${province}${seg(2)}${seg(2)}${seg(3)}${seg(3)}${seg(3)}`;
      const chain = [...ancestorsOf(group), group];
      expect(chain.map(rank)).toEqual([0, 1, 2, 3, 4, 5]);
      for (const [j, code] of chain.entries()) {
        expect(areaCodeFromPrefix(areaPrefix(code))).toBe(code);
        for (const [k, other] of chain.entries()) expect(isWithin(code, other)).toBe(k <= j);
      }
    }
  });
});
