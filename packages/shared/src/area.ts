/**
 * Administrative division codes: GB/T 2260 for province, city and county (6 digits,
 * padded with zeros), the statistical 9- and 12-digit codes for township and
 * village, and our own 15-digit code for a village group (village + 3).
 *
 * Only the structure of a code is checked here; whether a code really exists is a
 * question for the areas table.
 */

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village' | 'group';

export const AREA_LEVELS = [
  { level: 'province', label: '省', codeLength: 6, prefixLength: 2 },
  { level: 'city', label: '市', codeLength: 6, prefixLength: 4 },
  { level: 'county', label: '县(区)', codeLength: 6, prefixLength: 6 },
  { level: 'township', label: '乡镇', codeLength: 9, prefixLength: 9 },
  { level: 'village', label: '村', codeLength: 12, prefixLength: 12 },
  { level: 'group', label: '组', codeLength: 15, prefixLength: 15 },
] as const satisfies readonly { level: AreaLevel; label: string; codeLength: number; prefixLength: number }[];

export const AREA_LEVEL_LABELS: Readonly<Record<AreaLevel, string>> = Object.fromEntries(
  AREA_LEVELS.map((l) => [l.level, l.label]),
) as Record<AreaLevel, string>;

// The province-level prefixes have been stable since Chongqing (50) in 1997; checking
// them catches the most common corruption (a lost leading digit, a zero-padded code).
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

export type AreaCodeCheck = { ok: true; level: AreaLevel } | { ok: false; reason: string };

const CHILD_LEVEL: Partial<Record<number, { level: AreaLevel; parentLevels: AreaLevel[]; label: string }>> = {
  // A township may sit directly under a city that has no counties (东莞 441900, 中山 442000).
  9: { level: 'township', parentLevels: ['county', 'city'], label: '乡镇' },
  12: { level: 'village', parentLevels: ['township'], label: '村' },
  15: { level: 'group', parentLevels: ['village'], label: '组' },
};

export function checkAreaCode(code: string): AreaCodeCheck {
  if (typeof code !== 'string' || code === '') return { ok: false, reason: '行政区划代码不能为空' };
  if (!/^\d+$/.test(code)) return { ok: false, reason: `行政区划代码只能包含数字：${code}` };

  if (code.length === 6) {
    const province = code.slice(0, 2);
    const city = code.slice(2, 4);
    const county = code.slice(4, 6);
    if (!PROVINCE_PREFIXES.has(province)) return { ok: false, reason: `行政区划代码 ${code} 的省级代码 ${province} 不存在` };
    if (city === '00') {
      return county === '00'
        ? { ok: true, level: 'province' }
        : { ok: false, reason: `行政区划代码 ${code} 无效：市级部分为 00 时县级部分也必须为 00` };
    }
    return { ok: true, level: county === '00' ? 'city' : 'county' };
  }

  const child = CHILD_LEVEL[code.length];
  if (!child) {
    return {
      ok: false,
      reason: `行政区划代码应为6位（省、市、县）、9位（乡镇）、12位（村）或15位（组），当前为${code.length}位`,
    };
  }
  const parent = checkAreaCode(code.slice(0, -3));
  if (!parent.ok) return parent;
  if (!child.parentLevels.includes(parent.level)) {
    return {
      ok: false,
      reason: `${child.label}代码 ${code} 的前${code.length - 3}位必须是${child.parentLevels.map((l) => AREA_LEVEL_LABELS[l]).join('或')}级代码，而 ${code.slice(0, -3)} 是${AREA_LEVEL_LABELS[parent.level]}级代码`,
    };
  }
  if (code.endsWith('000')) return { ok: false, reason: `${child.label}代码 ${code} 的末三位不能为 000` };
  return { ok: true, level: child.level };
}

export function isValidAreaCode(code: string): boolean {
  return checkAreaCode(code).ok;
}

/** Throws RangeError (Chinese message) for a malformed code. */
export function areaLevelOf(code: string): AreaLevel {
  const check = checkAreaCode(code);
  if (!check.ok) throw new RangeError(check.reason);
  return check.level;
}

/**
 * The digits that identify the area: every descendant's code starts with them,
 * which is what makes scope checks and `LIKE 'prefix%'` queries work.
 */
export function areaPrefix(code: string): string {
  switch (areaLevelOf(code)) {
    case 'province':
      return code.slice(0, 2);
    case 'city':
      return code.slice(0, 4);
    default:
      return code;
  }
}

/** The inverse of areaPrefix: '34' → '340000', '3412' → '341200'. */
export function areaCodeFromPrefix(prefix: string): string {
  const code = prefix.length === 2 ? `${prefix}0000` : prefix.length === 4 ? `${prefix}00` : prefix;
  const check = checkAreaCode(code);
  if (!check.ok || areaPrefix(code) !== prefix) {
    throw new RangeError(check.ok ? `${prefix} 不是有效的行政区划代码前缀` : check.reason);
  }
  return code;
}

/**
 * The 6-digit code that records are partitioned by. For a township directly under a
 * city without counties it is that city's code (441900 for 东莞's towns); for
 * provinces and cities themselves there is none.
 */
export function countyCodeOf(code: string): string | null {
  const level = areaLevelOf(code);
  return level === 'province' || level === 'city' ? null : code.slice(0, 6);
}

export function parentCodeOf(code: string): string | null {
  switch (areaLevelOf(code)) {
    case 'province':
      return null;
    case 'city':
      return `${code.slice(0, 2)}0000`;
    case 'county':
      return `${code.slice(0, 4)}00`;
    default:
      return code.slice(0, -3);
  }
}

/** Ancestors from the province down to the direct parent. */
export function ancestorsOf(code: string): string[] {
  const result: string[] = [];
  for (let p = parentCodeOf(code); p !== null; p = parentCodeOf(p)) result.unshift(p);
  return result;
}

/**
 * Whether `code` lies in `ancestorCode`'s subtree (an area is within itself). Fails
 * closed: a malformed code on either side is within nothing, because this is the
 * check that decides what a user may see.
 */
export function isWithin(code: string, ancestorCode: string): boolean {
  if (!isValidAreaCode(code) || !isValidAreaCode(ancestorCode)) return false;
  return code.startsWith(areaPrefix(ancestorCode));
}
