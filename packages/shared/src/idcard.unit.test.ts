import { describe, expect, it } from 'vitest';
import {
  ageOn,
  idCheckChar,
  makeIdNumber,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
  parseIdNumber,
  type IdParseResult,
} from './idcard';
import { seededRandom } from './testing/random';

const TODAY = '2026-11-29';
const parse = (raw: string): IdParseResult => parseIdNumber(raw, { today: TODAY });

function expectRefused(result: IdParseResult, code: string, reason?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  expect(result.reason).toMatch(/[\u4e00-\u9fff]/);
  if (reason) expect(result.reason).toMatch(reason);
}

describe('parseIdNumber', () => {
  it('accepts the standard example and reads birth date, sex and address code', () => {
    expect(parse('11010519491231002X')).toEqual({
      ok: true,
      id: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'F',
      areaCode: '110105',
    });
  });

  it('reads an odd sequence digit as male', () => {
    const id = makeIdNumber('341202', '1990-01-01', 123);
    expect(parse(id)).toMatchObject({ ok: true, sex: 'M' });
  });

  it('names the right check character when it is wrong', () => {
    expectRefused(parse('110105194912310021'), 'checksum', /校验位错误，应为 X/);
  });

  it('hints at Excel when a wrong number ends in 000 (15 significant digits kept)', () => {
    // 341202199001011234 stored as a number comes back as 341202199001011000.
    expectRefused(parse('341202199001011000'), 'checksum', /Excel/);
  });

  it('accepts 29 February only in leap years', () => {
    expect(parse(makeIdNumber('110105', '2000-02-29', 12))).toMatchObject({ ok: true, birthDate: '2000-02-29' });
    const first17 = '110105' + '19000229' + '012';
    expectRefused(parse(first17 + idCheckChar(first17)), 'birthdate', /19000229/);
  });

  it('refuses birth dates in the future or before 1890', () => {
    expect(parse(makeIdNumber('110105', TODAY, 2)).ok).toBe(true);
    expectRefused(parse(makeIdNumber('110105', '2026-11-30', 2)), 'birthdate', /晚于今天/);
    expectRefused(parse(makeIdNumber('110105', '1889-12-31', 2)), 'birthdate', /1889/);
    expect(parse(makeIdNumber('110105', '1890-01-01', 2)).ok).toBe(true);
  });

  it('normalises full-width characters, lowercase x, spaces and Excel’s text apostrophe', () => {
    for (const raw of [
      '１１０１０５１９４９１２３１００２Ｘ',
      '１１０１０５１９４９１２３１００２ｘ',
      ' 110105 19491231 002x ',
      '110105\u300019491231\u3000002X',
      "'11010519491231002X",
    ]) {
      expect(parse(raw)).toMatchObject({ ok: true, id: '11010519491231002X' });
    }
  });

  it('refuses numbers Excel has turned into floats instead of guessing the lost digits', () => {
    for (const raw of ['3.41E+17', '3.41202E+17', '3.41202199001011E+17', '341202199001011234.0', '3.41e17']) {
      expectRefused(parse(raw), 'scientific', /Excel/);
    }
  });

  it('refuses old 15-digit numbers and malformed input with specific reasons', () => {
    expectRefused(parse('110105491231002'), 'format', /15位/);
    expectRefused(parse(''), 'format', /不能为空/);
    expectRefused(parse('   '), 'format', /不能为空/);
    expectRefused(parse('1101051949123100'), 'format', /当前为16位/);
    expectRefused(parse('11010519491231002XX'), 'format', /只能包含数字/);
    expectRefused(parse('1101051949123X0021'), 'format', /只能包含数字/);
    expectRefused(parse('110105-19491231-002X'), 'format');
  });

  it('round-trips every ID made by makeIdNumber, and any single changed character breaks it', () => {
    const rnd = seededRandom(11643);
    const areas = ['110105', '341202', '530627', '654326', '820000'];
    for (let i = 0; i < 60; i++) {
      const birthDate = rnd.date('1890-01-01', TODAY);
      const seq = rnd.int(0, 999);
      const areaCode = rnd.pick(areas);
      const id = makeIdNumber(areaCode, birthDate, seq);
      expect(parse(id)).toEqual({ ok: true, id, birthDate, sex: seq % 2 === 1 ? 'M' : 'F', areaCode });

      for (let pos = 0; pos < 18; pos++) {
        for (const c of '0123456789X') {
          if (c === id[pos] || (c === 'X' && pos < 17)) continue;
          const changed = id.slice(0, pos) + c + id.slice(pos + 1);
          expect(parse(changed).ok, `${id} → ${changed}`).toBe(false);
        }
      }
    }
  });
});

describe('makeIdNumber', () => {
  it('refuses parts that cannot form an ID', () => {
    expect(() => makeIdNumber('11010', '1990-01-01', 1)).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '1990-02-30', 1)).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '1990-01-01', 1000)).toThrow(RangeError);
  });
});

describe('masking', () => {
  it('keeps only the ends of an ID, at the same length', () => {
    expect(maskIdNumber('341202199001011234')).toBe('3412**********1234');
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });

  it('masks phones as 138****5678 and bank accounts down to the last 4 digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0551-62345678')).toBe('055******5678');
    expect(maskBankAccount('6228 4800 1234 5678 901')).toBe('***************8901');
  });

  it('reveals nothing of values too short to mask partially', () => {
    expect(maskIdNumber('12345678')).toBe('********');
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskBankAccount('1234')).toBe('****');
  });
});

describe('ageOn', () => {
  it('counts completed years, turning a year older on the birthday', () => {
    expect(ageOn('1949-12-31', '2026-12-30')).toBe(76);
    expect(ageOn('1949-12-31', '2026-12-31')).toBe(77);
    expect(ageOn('2010-06-15', '2010-06-15')).toBe(0);
  });

  it('lets a 29 February birthday count from 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('2000-02-29', '2004-02-29')).toBe(4);
  });

  it('refuses a date before birth', () => {
    expect(() => ageOn('2000-01-02', '2000-01-01')).toThrow(/早于出生日期/);
  });
});
