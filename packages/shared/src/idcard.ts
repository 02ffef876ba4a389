/**
 * Resident identity numbers (GB 11643-1999): 6-digit address code, 8-digit birth
 * date, 3-digit sequence (odd = male), check character.
 */
import { isIsoDate, parseIsoDate, todayInChina, type IsoDate } from './date';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const MIN_BIRTH_YEAR = 1890;

export type Sex = 'M' | 'F';

export type IdErrorCode = 'format' | 'checksum' | 'birthdate' | 'scientific';

export type IdParseResult =
  | { ok: true; id: string; birthDate: IsoDate; sex: Sex; areaCode: string }
  | { ok: false; code: IdErrorCode; reason: string };

export interface ParseIdOptions {
  /** 'YYYY-MM-DD'; birth dates after it are refused. Defaults to today in China. */
  today?: IsoDate;
}

export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('计算身份证校验位需要17位数字');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * What people actually paste: full-width digits from Chinese input methods, spaces
 * from printed cards grouped 6-8-4, a lowercase x, and Excel's leading apostrophe
 * (the "store as text" marker, which leaves the digits intact).
 */
export function normalizeIdInput(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u200B\uFEFF]/g, '')
    .replace(/^'/, '')
    .toUpperCase();
}

const fail = (code: IdErrorCode, reason: string): IdParseResult => ({ ok: false, code, reason });

export function parseIdNumber(raw: string, options: ParseIdOptions = {}): IdParseResult {
  if (typeof raw !== 'string') return fail('format', '身份证号码必须是文本');
  const id = normalizeIdInput(raw);
  if (id === '') return fail('format', '身份证号码不能为空');

  // Once Excel has turned the number into a float, digits beyond the 15th are gone;
  // any "repair" would invent a person, so these are refused outright.
  if (/^[+-]?\d+(\.\d+)?E[+-]?\d+$/.test(id)) {
    return fail(
      'scientific',
      `身份证号码“${raw.trim()}”已被 Excel 转成科学计数法，末尾数字已丢失、无法还原；请将该列设置为“文本”格式后重新录入`,
    );
  }
  if (/^\d+\.\d*$/.test(id)) {
    return fail(
      'scientific',
      `身份证号码“${raw.trim()}”带有小数点，说明曾被 Excel 当作数字处理，末尾数字可能已丢失；请将该列设置为“文本”格式后重新录入`,
    );
  }

  if (/^\d{15}$/.test(id)) {
    return fail('format', '15位旧版身份证号码已停止使用，请提供18位身份证号码');
  }
  if (!/^\d*X?$/.test(id)) return fail('format', '身份证号码只能包含数字，最后一位可以是 X');
  if (id.length !== 18) return fail('format', `身份证号码应为18位，当前为${id.length}位`);

  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const birth = parseIsoDate(birthDate);
  if (!birth) return fail('birthdate', `身份证号码中的出生日期 ${id.slice(6, 14)} 不是有效日期`);
  if (birth.year < MIN_BIRTH_YEAR) {
    return fail('birthdate', `身份证号码中的出生年份 ${birth.year} 早于 ${MIN_BIRTH_YEAR} 年，不合理`);
  }
  const today = options.today ?? todayInChina();
  if (!isIsoDate(today)) throw new RangeError(`参数 today 无效：${today}`);
  if (birthDate > today) return fail('birthdate', `身份证号码中的出生日期 ${birthDate} 晚于今天（${today}）`);

  const expected = idCheckChar(id.slice(0, 17));
  if (id[17] !== expected) {
    // Excel keeps 15 significant digits, so a number typed into a numeric cell
    // comes back ending in 000 — worth telling the clerk where the error came from.
    const excelHint = id.endsWith('000') ? '（末三位为 000，可能是 Excel 把号码当作数字保存后丢失了末尾数字）' : '';
    return fail('checksum', `身份证号码校验位错误，应为 ${expected}${excelHint}`);
  }

  return {
    ok: true,
    id,
    birthDate,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
    areaCode: id.slice(0, 6),
  };
}

/** Builds a valid ID (demo data, fixtures); throws RangeError on bad parts. */
export function makeIdNumber(areaCode6: string, birthDate: IsoDate, seq3: number): string {
  if (!/^\d{6}$/.test(areaCode6)) throw new RangeError(`地址码应为6位数字：${areaCode6}`);
  if (!parseIsoDate(birthDate)) throw new RangeError(`出生日期无效：${birthDate}`);
  if (!Number.isInteger(seq3) || seq3 < 0 || seq3 > 999) throw new RangeError(`顺序码应为0–999的整数：${seq3}`);
  const first17 = areaCode6 + birthDate.replaceAll('-', '') + String(seq3).padStart(3, '0');
  return first17 + idCheckChar(first17);
}

function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

/** `3411**********1234`: same length as the input; inputs of 8 or fewer characters are masked entirely. */
export function maskIdNumber(id: string): string {
  return maskMiddle(id, 4, 4);
}

/**
 * `138****5678`. Mobiles and landlines keep the first 3 and last 4 characters;
 * anything of 7 characters or fewer is masked entirely, since showing 7 of 7
 * digits would hide nothing.
 */
export function maskPhone(phone: string): string {
  const p = phone.replace(/\s/g, '');
  return maskMiddle(p, 3, 4);
}

/** Only the last 4 digits remain, as on bank receipts; spaces are dropped first. */
export function maskBankAccount(account: string): string {
  const a = account.replace(/\s/g, '');
  return maskMiddle(a, 0, 4);
}

/**
 * Completed years (周岁) on `onDate`. A 29 February birthday counts as reached on
 * 1 March in common years. Throws if `onDate` precedes the birth date.
 */
export function ageOn(birthDate: IsoDate, onDate: IsoDate): number {
  const b = parseIsoDate(birthDate);
  const o = parseIsoDate(onDate);
  if (!b) throw new RangeError(`出生日期无效：${birthDate}`);
  if (!o) throw new RangeError(`日期无效：${onDate}`);
  if (onDate < birthDate) throw new RangeError(`计算年龄的日期 ${onDate} 早于出生日期 ${birthDate}`);
  const beforeBirthday = o.month < b.month || (o.month === b.month && o.day < b.day);
  return o.year - b.year - (beforeBirthday ? 1 : 0);
}
