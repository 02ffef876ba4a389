import { describe, expect, it } from 'vitest';
import { arrayLiteral } from './create';

describe('arrayLiteral', () => {
  it('quotes every text element, escapes quotes and backslashes, and leaves NULL, numbers and booleans bare', () => {
    expect(arrayLiteral(['蓝,大', '城西村"老屋"1号', 'a\\b', '', 'NULL', '{x}', ' y '])).toBe('{"蓝,大","城西村\\"老屋\\"1号","a\\\\b","","NULL","{x}"," y "}');
    expect(arrayLiteral([null, undefined, 0, -1200, 2.5, true, false, '2026-01-01'])).toBe('{NULL,NULL,0,-1200,2.5,true,false,"2026-01-01"}');
    expect(arrayLiteral([])).toBe('{}');
  });
});
