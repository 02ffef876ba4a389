/**
 * Pure registry rules (建档立卡): income arithmetic, the exit rule, ID-vs-entered checks, the
 * age checks of the data-quality monitor, and the normalisation of messy import cells. No I/O:
 * every input arrives as an argument, so each rule is unit-tested on its own
 * (rules.unit.test.ts) and the API, the import and the nightly run share one definition.
 */
import { ageOn, fenToYuan, parseIdNumber, parseIsoDate, type IdParseResult, type IsoDate } from '@fupin/shared';

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const HOUSEHOLD_STATUSES = ['candidate', 'identified', 'exited', 'returned', 'monitored', 'cancelled'] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];
export const STATUS_LABELS: Record<HouseholdStatus, string> = {
  candidate: '识别中',
  identified: '贫困户',
  exited: '已脱贫',
  returned: '返贫',
  monitored: '监测对象',
  cancelled: '已注销',
};

export const PERSON_STATUS_LABELS = { active: '在册', deceased: '已死亡', moved_out: '已迁出' } as const;
export const SEX_LABELS = { M: '男', F: '女' } as const;

/** Dictionary types a household or member field is coded against (dict_item.type_code). */
export const HOUSEHOLD_DICT_FIELDS = {
  category: 'household_category',
  identificationStandard: 'identification_standard',
  mainCause: 'poverty_cause',
  housingSafety: 'housing_safety',
} as const;
export const PERSON_DICT_FIELDS = {
  relation: 'relation',
  ethnicity: 'ethnicity',
  education: 'education',
  schooling: 'schooling',
  health: 'health',
  labour: 'labour',
  workStatus: 'work_status',
} as const;

// ---------------------------------------------------------------------------------------------
// Income (收入): integer fen; business income is already net of production costs (002).

export type IncomeParts = { wagesFen: number; businessFen: number; transferFen: number; propertyFen: number };

export function netIncomeFen(p: IncomeParts): number {
  return p.wagesFen + p.businessFen + p.transferFen + p.propertyFen;
}

/**
 * 人均纯收入 = 家庭纯收入 ÷ 在册人口, rounded half up to the fen. A household with no counted member
 * has no per-capita figure; 0 is stored so that it never passes the exit rule.
 */
export function perCapitaFen(p: IncomeParts, members: number): number {
  if (members <= 0) return 0;
  const total = netIncomeFen(p);
  const q = Math.floor(Math.abs(total) / members);
  const r = Math.abs(total) - q * members;
  const rounded = 2 * r >= members ? q + 1 : q;
  return total < 0 ? -rounded : rounded;
}

/** Difference tolerated between an entered per-capita figure and the computed one (1 yuan, for
 * forms that rounded to whole yuan). */
export const PER_CAPITA_TOLERANCE_FEN = 100;

/** Null when the entered per-capita income agrees with its parts; otherwise the reason. */
export function checkPerCapita(enteredFen: number, p: IncomeParts, members: number): string | null {
  const computed = perCapitaFen(p, members);
  if (Math.abs(enteredFen - computed) <= PER_CAPITA_TOLERANCE_FEN) return null;
  return `人均纯收入 ${fenToYuan(enteredFen)} 元与各项收入之和 ${fenToYuan(netIncomeFen(p))} 元 ÷ ${members} 人 = ${fenToYuan(computed)} 元不符`;
}

// ---------------------------------------------------------------------------------------------
// Exit rule (脱贫退出): income above the year's line + 两不愁三保障 + safe drinking water.

export type ExitInput = {
  incomeYear: number | null;
  perCapitaFen: number;
  memberCount: number;
  /** the poverty line of incomeYear for the household's province; null when none is set */
  lineFen: number | null;
  foodClothingSecured: boolean | null;
  educationSecured: boolean | null;
  medicalSecured: boolean | null;
  housingSafety: string | null;
  waterSafe: boolean | null;
};

export type ExitCriterion = { code: string; label: string; ok: boolean; message: string };
export type ExitVerdict = { eligible: boolean; criteria: ExitCriterion[]; summary: string };

const SAFE_HOUSING = new Set(['A', 'B']);

function judgement(code: string, label: string, v: boolean | null): ExitCriterion {
  if (v === true) return { code, label, ok: true, message: `${label}：已保障` };
  if (v === false) return { code, label, ok: false, message: `${label}：未保障` };
  return { code, label, ok: false, message: `${label}：未填写（须入户核实后填写）` };
}

export function exitEligibility(x: ExitInput): ExitVerdict {
  const criteria: ExitCriterion[] = [];
  const incomeLabel = '收入稳定超过贫困线';
  if (x.incomeYear == null) {
    criteria.push({ code: 'income', label: incomeLabel, ok: false, message: '未填写收入年度，无法与当年贫困线比较' });
  } else if (x.lineFen == null) {
    criteria.push({ code: 'income', label: incomeLabel, ok: false, message: `未设置 ${x.incomeYear} 年的贫困线（参数表 贫困线），无法判断` });
  } else if (x.memberCount <= 0) {
    criteria.push({ code: 'income', label: incomeLabel, ok: false, message: '该户没有在册人口，无法计算人均纯收入' });
  } else if (x.perCapitaFen > x.lineFen) {
    criteria.push({
      code: 'income',
      label: incomeLabel,
      ok: true,
      message: `${x.incomeYear} 年人均纯收入 ${fenToYuan(x.perCapitaFen, { thousands: true })} 元，高于当年贫困线 ${fenToYuan(x.lineFen, { thousands: true })} 元`,
    });
  } else {
    criteria.push({
      code: 'income',
      label: incomeLabel,
      ok: false,
      message: `${x.incomeYear} 年人均纯收入 ${fenToYuan(x.perCapitaFen, { thousands: true })} 元，未超过当年贫困线 ${fenToYuan(x.lineFen, { thousands: true })} 元`,
    });
  }
  criteria.push(judgement('food_clothing', '不愁吃、不愁穿', x.foodClothingSecured));
  criteria.push(judgement('education', '义务教育有保障', x.educationSecured));
  criteria.push(judgement('medical', '基本医疗有保障', x.medicalSecured));
  if (x.housingSafety == null) criteria.push({ code: 'housing', label: '住房安全有保障', ok: false, message: '住房安全有保障：未填写住房安全等级' });
  else if (SAFE_HOUSING.has(x.housingSafety))
    criteria.push({ code: 'housing', label: '住房安全有保障', ok: true, message: `住房安全有保障：住房安全等级为 ${x.housingSafety} 级` });
  else
    criteria.push({
      code: 'housing',
      label: '住房安全有保障',
      ok: false,
      message: `住房安全有保障：住房安全等级为 ${x.housingSafety} 级（C、D 级为危房，须改造后才能退出）`,
    });
  criteria.push(judgement('water', '饮水安全有保障', x.waterSafe));
  const failed = criteria.filter((c) => !c.ok);
  return {
    eligible: failed.length === 0,
    criteria,
    summary: failed.length === 0 ? '符合脱贫退出标准' : `不符合脱贫退出标准：${failed.map((c) => c.message).join('；')}`,
  };
}

/** The line that applies: the province's own row for the year, else the national default (000000). */
/**
 * The line of a year: the county's own (when `countyCode` is given and the county set one), else
 * the province's, else the national default (`000000`). `province_code` holds any of the three.
 */
export function pickLine(rows: { province_code: string; year: number; line_fen: number }[], provinceCode: string, year: number, countyCode?: string): number | null {
  const county = countyCode ? rows.find((r) => r.province_code === countyCode && r.year === year) : undefined;
  if (county) return county.line_fen;
  const own = rows.find((r) => r.province_code === provinceCode && r.year === year);
  if (own) return own.line_fen;
  const national = rows.find((r) => r.province_code === '000000' && r.year === year);
  return national ? national.line_fen : null;
}

// ---------------------------------------------------------------------------------------------
// Identity documents

/**
 * 第二代残疾人证号 = the holder's 18-character resident ID + category (1–7: 视力 听力 言语 肢体 智力
 * 精神 多重) + grade (1–4). The resident ID inside it is what makes the person unique.
 */
export type DocParse =
  | { ok: true; kind: 'resident' | 'disability_cert'; number: string; residentId: string; birthDate: IsoDate; sex: 'M' | 'F'; disabilityCategory?: number; disabilityGrade?: number }
  | { ok: false; reason: string; code: string };

export function parseIdentityDocument(raw: string, kind: 'resident' | 'disability_cert', today?: IsoDate): DocParse {
  if (kind === 'resident') {
    const p = parseIdNumber(raw, today ? { today } : {});
    if (!p.ok) return { ok: false, reason: p.reason, code: p.code };
    return { ok: true, kind, number: p.id, residentId: p.id, birthDate: p.birthDate, sex: p.sex };
  }
  const s = String(raw)
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u200B\uFEFF]/g, '')
    .toUpperCase();
  if (!/^\d{17}[\dX]\d{2}$/.test(s)) return { ok: false, code: 'format', reason: '残疾人证号应为20位：18位身份证号码 + 1位残疾类别 + 1位残疾等级' };
  const p = parseIdNumber(s.slice(0, 18), today ? { today } : {});
  if (!p.ok) return { ok: false, reason: `残疾人证号中的身份证号码有误：${p.reason}`, code: p.code };
  const category = Number(s[18]);
  const grade = Number(s[19]);
  if (category < 1 || category > 7) return { ok: false, code: 'format', reason: `残疾人证号第19位（残疾类别）应为 1–7，当前为 ${s[18]}` };
  if (grade < 1 || grade > 4) return { ok: false, code: 'format', reason: `残疾人证号第20位（残疾等级）应为 1–4，当前为 ${s[19]}` };
  return { ok: true, kind, number: s, residentId: p.id, birthDate: p.birthDate, sex: p.sex, disabilityCategory: category, disabilityGrade: grade };
}

/** What was entered must agree with what the ID says; returns the disagreements in Chinese. */
export function checkAgainstId(doc: { birthDate: IsoDate; sex: 'M' | 'F' }, entered: { sex?: string | null; birthDate?: string | null }): string[] {
  const out: string[] = [];
  if (entered.sex && entered.sex !== doc.sex)
    out.push(`性别与身份证号码不符：身份证号码第17位表明为${SEX_LABELS[doc.sex]}，填写的是${SEX_LABELS[entered.sex as 'M' | 'F'] ?? entered.sex}`);
  if (entered.birthDate && entered.birthDate !== doc.birthDate)
    out.push(`出生日期与身份证号码不符：身份证号码表明为 ${doc.birthDate}，填写的是 ${entered.birthDate}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Age checks (data quality): a 3-year-old in work, a 70-year-old in primary school, a spouse of 12.

export type MemberFacts = {
  name: string;
  relation: string;
  birthDate: IsoDate;
  schooling: string | null;
  labour: string | null;
  workStatus: string | null;
  workMonths: number | null;
  health: string | null;
  disabilityGrade: number | null;
};

export type RuleIssue = { rule: string; severity: 'error' | 'warning'; message: string };

/** Minimum age gap between generations (years), as used by the relation checks. */
export const GENERATION_GAP = 12;
/** The working-age floor (劳动年龄): below it a person counts as 无劳动力 and must not work. */
export const LABOUR_MIN_AGE = 16;

// Age ranges (completed years) in which each schooling stage is plausible; generous on purpose
// (late starters, repeaters, adults in vocational school): outside them the entry is almost
// certainly a typing error.
export const SCHOOLING_AGES: Record<string, [number, number]> = {
  preschool: [2, 7],
  primary: [5, 16],
  junior: [10, 19],
  senior: [13, 22],
  vocational: [13, 30],
  higher: [15, 45],
};
const SCHOOLING_LABELS: Record<string, string> = {
  preschool: '学前教育',
  primary: '小学',
  junior: '七年级至九年级',
  senior: '普通高中',
  vocational: '中职',
  higher: '高职高专及以上',
};
/** 义务教育阶段: ages 7–15 out of school are reported (控辍保学) as a warning to verify. */
export const COMPULSORY_AGES: [number, number] = [7, 15];

const OLDER_RELATIONS: Record<string, [number, string]> = {
  father: [GENERATION_GAP, '之父'],
  mother: [GENERATION_GAP, '之母'],
  grandfather: [2 * GENERATION_GAP, '之祖父'],
  grandmother: [2 * GENERATION_GAP, '之祖母'],
  maternal_grandfather: [2 * GENERATION_GAP, '之外祖父'],
  maternal_grandmother: [2 * GENERATION_GAP, '之外祖母'],
};
const YOUNGER_RELATIONS: Record<string, [number, string]> = {
  son: [GENERATION_GAP, '之子'],
  daughter: [GENERATION_GAP, '之女'],
  grandson: [2 * GENERATION_GAP, '之孙子'],
  granddaughter: [2 * GENERATION_GAP, '之孙女'],
  grandson_by_daughter: [2 * GENERATION_GAP, '之外孙子'],
  granddaughter_by_daughter: [2 * GENERATION_GAP, '之外孙女'],
};

export function ageChecks(m: MemberFacts, headBirthDate: IsoDate | null, today: IsoDate): RuleIssue[] {
  const out: RuleIssue[] = [];
  if (m.birthDate > today) return [{ rule: 'id_birth_sex', severity: 'error', message: `${m.name}：出生日期 ${m.birthDate} 晚于今天` }];
  const age = ageOn(m.birthDate, today);
  // relation
  if (m.relation === 'head' && age < LABOUR_MIN_AGE)
    out.push({ rule: 'age_relation', severity: 'warning', message: `${m.name}：户主年龄 ${age} 岁，不满 ${LABOUR_MIN_AGE} 周岁，请核实` });
  if (m.relation === 'spouse' && age < 18)
    out.push({ rule: 'age_relation', severity: 'error', message: `${m.name}：与户主关系为配偶，但年龄只有 ${age} 岁` });
  if (headBirthDate && m.relation !== 'head' && headBirthDate <= today) {
    const headAge = ageOn(headBirthDate, today);
    const older = OLDER_RELATIONS[m.relation];
    if (older && age - headAge < older[0])
      out.push({
        rule: 'age_relation',
        severity: 'error',
        message: `${m.name}：与户主关系为${older[1]}，但只比户主大 ${age - headAge} 岁（至少应大 ${older[0]} 岁）`,
      });
    const younger = YOUNGER_RELATIONS[m.relation];
    if (younger && headAge - age < younger[0])
      out.push({
        rule: 'age_relation',
        severity: 'error',
        message: `${m.name}：与户主关系为${younger[1]}，但${headAge - age >= 0 ? `只比户主小 ${headAge - age} 岁` : `比户主大 ${age - headAge} 岁`}（至少应小 ${younger[0]} 岁）`,
      });
  }
  // schooling
  if (m.schooling && m.schooling !== 'not_in_school') {
    const range = SCHOOLING_AGES[m.schooling];
    if (range && (age < range[0] || age > range[1]))
      out.push({
        rule: 'age_schooling',
        severity: 'error',
        message: `${m.name}：${age} 岁，在校生状况为“${SCHOOLING_LABELS[m.schooling] ?? m.schooling}”，不合常理（通常 ${range[0]}–${range[1]} 岁）`,
      });
  } else if (m.schooling === 'not_in_school' && age >= COMPULSORY_AGES[0] && age <= COMPULSORY_AGES[1]) {
    out.push({ rule: 'age_schooling', severity: 'warning', message: `${m.name}：${age} 岁，处于义务教育阶段却登记为非在校生，请核实是否辍学` });
  }
  // labour and work
  if (age < LABOUR_MIN_AGE) {
    if (m.labour === 'ordinary' || m.labour === 'skilled')
      out.push({ rule: 'age_labour', severity: 'error', message: `${m.name}：${age} 岁，未满 ${LABOUR_MIN_AGE} 周岁，不应登记为${m.labour === 'skilled' ? '技能' : '普通'}劳动力` });
    if ((m.workStatus && m.workStatus !== 'none') || (m.workMonths ?? 0) > 0)
      out.push({ rule: 'age_labour', severity: 'error', message: `${m.name}：${age} 岁，未满 ${LABOUR_MIN_AGE} 周岁，却登记有务工` });
  }
  if ((m.workMonths ?? 0) > 0 && (!m.workStatus || m.workStatus === 'none'))
    out.push({ rule: 'age_labour', severity: 'error', message: `${m.name}：务工状况为未务工，务工时间却为 ${m.workMonths} 个月` });
  if ((m.labour === 'lost' || m.labour === 'none') && m.workStatus && m.workStatus !== 'none' && age >= LABOUR_MIN_AGE)
    out.push({ rule: 'age_labour', severity: 'warning', message: `${m.name}：登记为${m.labour === 'lost' ? '丧失劳动力' : '无劳动力'}，却有务工，请核实` });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messy cells from field files (导入): full-width characters, stray spaces, dates in many shapes.

/** Full-width ASCII → half-width, ideographic space → space, then trim and collapse spaces. */
// Text that is already normal: no full-width forms or special spaces, single spaces between words,
// nothing to trim. Most cells of a file are, and are returned as they are (an import calls this
// several times per cell; the replacements below cost five passes and as many new strings).
const PLAIN_TEXT = /^(?:[^\s\uFF01-\uFF5E\u3000\u00A0\u200B\uFEFF]+(?: [^\s\uFF01-\uFF5E\u3000\u00A0\u200B\uFEFF]+)*)?$/;

export function normaliseCellText(v: string): string {
  if (PLAIN_TEXT.test(v)) return v;
  return v
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u3000\u00A0]/g, ' ')
    .replace(/[\u200B\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A header cell, reduced for matching: no spaces, no required-marks, no units in brackets. */
export function normaliseHeader(v: string): string {
  return normaliseCellText(v)
    .replace(/[\s*＊]/g, '')
    .replace(/[（(][^）)]*[）)]$/, '')
    .replace(/：|:/g, '');
}

type DateResult = { ok: true; date: IsoDate } | { ok: false; reason: string };

const pad = (n: number) => String(n).padStart(2, '0');
function ymd(y: number, m: number, d: number): DateResult {
  const s = `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
  return parseIsoDate(s) ? { ok: true, date: s } : { ok: false, reason: `日期 ${y}年${m}月${d}日 不存在` };
}

/** Excel's day numbers: day 1 = 1900-01-01, with Lotus 1-2-3's phantom 1900-02-29 at 60. */
export function excelSerialToDate(serial: number): DateResult {
  const n = Math.floor(serial);
  if (n < 1 || n > 2958465) return { ok: false, reason: `数字 ${serial} 不是有效的 Excel 日期序号` };
  if (n === 60) return { ok: false, reason: 'Excel 日期序号 60 对应不存在的 1900-02-29' };
  const days = n < 60 ? n - 1 : n - 2; // days after 1900-01-01
  const ms = Date.UTC(1900, 0, 1) + days * 86_400_000;
  const d = new Date(ms);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * A date from a spreadsheet cell. Accepted: a Date (exceljs date cells, read as a UTC calendar
 * day), an Excel serial number, 'YYYY-MM-DD', 'YYYY.MM.DD', 'YYYY/M/D', 'YYYY年M月D日',
 * 'YYYYMMDD', full-width digits, and a 5-digit text number as an Excel serial. Two-digit years
 * and day-first orders are refused: they cannot be read without guessing.
 */
export function parseLooseDate(v: unknown): DateResult {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return { ok: false, reason: '日期无效' };
    return ymd(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 19000101 && v <= 29991231) return ymd(Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100);
    return excelSerialToDate(v);
  }
  if (typeof v !== 'string') return { ok: false, reason: '日期格式不正确' };
  // A date cell saved to CSV with its time (Excel's 'yyyy/m/d h:mm' format) keeps a midnight time.
  const s = normaliseCellText(v)
    .replace(/\s+0?0:00(:00)?$/, '')
    .replace(/\s/g, '');
  if (!s) return { ok: false, reason: '日期不能为空' };
  let m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$/.exec(s);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d{5}(\.\d+)?$/.test(s)) return excelSerialToDate(Number(s));
  return { ok: false, reason: `无法识别的日期“${v}”，请写成 2019-03-05、2019.03.05 或 2019/3/5` };
}

/**
 * An ID number cell. A numeric cell means Excel stored the ID as a number: it keeps only 15
 * significant digits, so the last ones are already gone — refused, never guessed.
 */
export function parseImportId(v: unknown, kind: 'resident' | 'disability_cert' = 'resident', today?: IsoDate): DocParse {
  if (v == null || v === '') return { ok: false, code: 'format', reason: '身份证号码不能为空' };
  if (typeof v === 'number') {
    if (Math.abs(v) >= 1e15)
      return {
        ok: false,
        code: 'scientific',
        reason: `身份证号码被 Excel 保存为数字（${v.toExponential(2).toUpperCase()}），末尾数字已丢失、无法还原；请将该列设置为“文本”格式后重新录入`,
      };
    return { ok: false, code: 'format', reason: `身份证号码“${v}”位数不对，应为18位` };
  }
  return parseIdentityDocument(String(v), kind, today);
}

/** 是/否 cells. */
export function parseYesNo(v: unknown): { ok: true; value: boolean | null } | { ok: false; reason: string } {
  if (v == null) return { ok: true, value: null };
  if (typeof v === 'boolean') return { ok: true, value: v };
  const s = normaliseCellText(String(v));
  if (s === '') return { ok: true, value: null };
  if (['是', '有', '已', '已保障', '安全', '通', 'Y', 'y', 'yes', 'true', '1', '√', '✓'].includes(s)) return { ok: true, value: true };
  if (['否', '无', '未', '未保障', '不安全', '不通', 'N', 'n', 'no', 'false', '0', '×', '✗'].includes(s)) return { ok: true, value: false };
  return { ok: false, reason: `“${s}”应填“是”或“否”` };
}

export type DictEntry = { code: string; label: string; enabled?: boolean };

// Values the national register's exports write by grade (七年级, 高中二年级, 中职一年级) or with
// 乡（镇） in them; matched after full-width characters are made half-width.
const DICT_PATTERNS: Record<string, [RegExp, string][]> = {
  schooling: [
    [/^(非在校生?|不在校|未在校|辍学|失学|已毕业|毕业)$/, 'not_in_school'],
    [/^(学前|学前班|幼儿园|学龄前)/, 'preschool'],
    [/^(小学|[一二三四五六]年级$)/, 'primary'],
    [/^([七八九]年级|初[一二三]|初中|义务教育)/, 'junior'],
    [/^(高中|高[一二三]$|普高|普通高中)/, 'senior'],
    [/^(中职|中专|职高|技校|职业高中)/, 'vocational'],
    [/^(高职|大专|本科|大学|研究生|硕士|博士)/, 'higher'],
  ],
  work_status: [
    [/^(未务工|无|否|不务工|在家务农)$/, 'none'],
    [/^乡\(?镇\)?内/, 'local'],
    [/^(乡\(?镇\)?外县内|县内乡\(?镇\)?外)/, 'county'],
    [/^(县外省内|省内县外)/, 'province'],
    [/^(省外|外省)/, 'outside'],
    [/^公益(性)?岗位/, 'public_post'],
  ],
};

// Spellings seen in field files for the same coded value.
const DICT_ALIASES: Record<string, Record<string, string>> = {
  relation: {
    本人: 'head', 户主本人: 'head', 妻: 'spouse', 夫: 'spouse', 妻子: 'spouse', 丈夫: 'spouse', 子: 'son', 儿子: 'son', 长子: 'son', 次子: 'son', 三子: 'son', 四子: 'son',
    女: 'daughter', 女儿: 'daughter', 长女: 'daughter', 次女: 'daughter', 三女: 'daughter', 四女: 'daughter', 儿媳: 'daughter_in_law', 儿媳妇: 'daughter_in_law',
    女婿: 'son_in_law', 孙子: 'grandson', 孙女: 'granddaughter',
    父亲: 'father', 母亲: 'mother', 祖父: 'grandfather', 祖母: 'grandmother', 兄弟: 'sibling', 姐妹: 'sibling', 兄: 'sibling', 弟: 'sibling', 姐: 'sibling', 妹: 'sibling',
    之兄弟姐妹: 'sibling', 兄弟姐妹: 'sibling', 之兄: 'sibling', 之弟: 'sibling', 之姐: 'sibling', 之妹: 'sibling',
    养子: 'son', 继子: 'son', 养女: 'daughter', 继女: 'daughter', 爷爷: 'grandfather', 奶奶: 'grandmother', 父: 'father', 母: 'mother',
    外孙: 'grandson_by_daughter', 外孙子: 'grandson_by_daughter', 外孙女: 'granddaughter_by_daughter',
    岳父: 'wife_father', 岳母: 'wife_mother', 公公: 'husband_father', 婆婆: 'husband_mother',
    外祖父: 'maternal_grandfather', 外祖母: 'maternal_grandmother', 外公: 'maternal_grandfather', 外婆: 'maternal_grandmother',
  },
  household_category: { 一般户: 'general', 一般: 'general', 低保户: 'dibao', 低保: 'dibao', 特困户: 'tekun', 特困: 'tekun', 五保户: 'tekun', 特困供养: 'tekun' },
  // 弱劳动力或半劳动力 is the national system's label for what this dictionary counts as 普通劳动力
  labour: { 普通: 'ordinary', 技能: 'skilled', 丧失: 'lost', 无: 'none', 弱劳动力: 'ordinary', 半劳动力: 'ordinary', 弱劳动力或半劳动力: 'ordinary', 丧失劳动能力: 'lost', 无劳动能力: 'none' },
  // rosters write the national system's 文化程度 (文盲或半文盲 is one value there, written either way)
  // and the school's own name (中专, 大专, 本科)
  education: {
    文盲: 'illiterate', 半文盲: 'illiterate', 文盲半文盲: 'illiterate', 中专: 'vocational', 职高: 'vocational', 中职: 'vocational', 技校: 'vocational',
    大专: 'college', 本科: 'college', 大学: 'college', 大学本科: 'college', 研究生: 'college', 学前: 'preschool',
  },
  // 因病致贫 for 因病 …; 其他 for the dictionary's 其它
  poverty_cause: {
    因病致贫: 'illness', 因残致贫: 'disability', 因学致贫: 'education', 因灾致贫: 'disaster', 缺劳动力: 'no_labour', 缺发展资金: 'no_capital', 交通落后: 'poor_transport',
    发展动力不足: 'low_motivation', 其他: 'other',
  },
  health: { 长期慢性病: 'chronic', 慢性病: 'chronic', 大病: 'serious', 患有大病: 'serious', 残疾: 'disabled' },
  housing_safety: { A: 'A', B: 'B', C: 'C', D: 'D', A级: 'A', B级: 'B', C级: 'C', D级: 'D' },
  ethnicity: { 汉: 'han', 壮: 'zhuang', 回: 'hui', 苗: 'miao', 彝: 'yi', 土家: 'tujia', 瑶: 'yao' },
};

/**
 * A dictionary cell: the label (汉族), the code (han), or a known alias (儿子 for 之子). Returns
 * the code, or null when nothing matches (the caller names the allowed labels).
 */
export function matchDict(typeCode: string, items: DictEntry[], raw: string): string | null {
  const s = normaliseCellText(raw);
  if (!s) return null;
  const enabled = items.filter((i) => i.enabled !== false);
  // labels are compared in the same normal form as cells (full-width brackets in 'B级（基本安全）')
  const byLabel = enabled.find((i) => i.label === s) ?? enabled.find((i) => normalisedLabel(i.label) === s);
  if (byLabel) return byLabel.code;
  const byCode = enabled.find((i) => i.code === s);
  if (byCode) return byCode.code;
  // 民族 written without 族 (毛南, 仫佬), as rosters often do
  if (typeCode === 'ethnicity' && !s.endsWith('族')) {
    const e = enabled.find((i) => i.label === `${s}族`);
    if (e) return e.code;
  }
  const alias = DICT_ALIASES[typeCode]?.[s] ?? DICT_ALIASES[typeCode]?.[s.replace(/^之/, '')] ?? DICT_PATTERNS[typeCode]?.find(([re]) => re.test(s))?.[1];
  if (alias && enabled.some((i) => i.code === alias)) return alias;
  const loose = enabled.find((i) => i.label.replace(/^之/, '') === s.replace(/^之/, '') || i.label.replace(/（.*）$/, '') === s.replace(/\(.*\)$/, ''));
  return loose ? loose.code : null;
}

const labelCache = new Map<string, string>();
function normalisedLabel(label: string): string {
  let n = labelCache.get(label);
  if (n === undefined) {
    n = normaliseCellText(label);
    if (labelCache.size < 10_000) labelCache.set(label, n);
  }
  return n;
}

export function parseSex(v: unknown): 'M' | 'F' | null | 'bad' {
  if (v == null) return null;
  const s = normaliseCellText(String(v));
  if (!s) return null;
  if (s === '男' || s === '男性' || s === 'M' || s === 'm' || s === '1') return 'M';
  if (s === '女' || s === '女性' || s === 'F' || s === 'f' || s === '2') return 'F';
  return 'bad';
}

/** Whole months worked (0–12) from a cell such as 6, '6', '６个月'. */
export function parseMonths(v: unknown): { ok: true; value: number | null } | { ok: false; reason: string } {
  if (v == null || v === '') return { ok: true, value: null };
  const s = typeof v === 'number' ? String(v) : normaliseCellText(String(v)).replace(/个?月$/, '');
  if (s === '') return { ok: true, value: null };
  if (!/^\d{1,2}$/.test(s) || Number(s) > 12) return { ok: false, reason: `务工月数“${v}”应为 0–12 的整数` };
  return { ok: true, value: Number(s) };
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet output

/**
 * A text cell that a spreadsheet could read as a formula (starting = + - @, or a tab/CR that some
 * programs strip first) gets a leading apostrophe, so it is shown, never run (OWASP CSV injection).
 */
export function neutraliseFormula(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export type { IdParseResult };

// ---------------------------------------------------------------------------------------------
// Household-level data quality (数据质量监测): everything that can be judged from one household's
// own rows. Checks across households (the same person active twice, the ID index) are SQL.

export const QUALITY_RULES = {
  id_checksum: '身份证号码校验位',
  id_birth_sex: '出生日期、性别与身份证号码',
  duplicate_active: '同一人在多户中在册',
  head_missing: '无户主',
  head_multiple: '多个户主',
  age_relation: '年龄与家庭关系',
  age_schooling: '年龄与在校状况',
  age_labour: '年龄与劳动力、务工',
  income_arithmetic: '收入计算',
  missing_required: '必填项缺失',
  deceased_counted: '已故成员仍计入',
  index_mismatch: '身份证索引不一致',
} as const;
export type QualityRule = keyof typeof QUALITY_RULES;

export type HouseholdFacts = {
  status: string;
  address: string | null;
  category: string | null;
  mainCause: string | null;
  identificationYear: number | null;
  housingSafety: string | null;
  waterSafe: boolean | null;
  incomeYear: number | null;
  memberCount: number;
  headPersonId: number | null;
  income: IncomeParts;
  netIncomePerCapitaFen: number;
};

export type PersonFacts = MemberFacts & {
  id: number;
  status: 'active' | 'deceased' | 'moved_out';
  idKind: 'resident' | 'disability_cert';
  idNumber: string;
  sex: 'M' | 'F';
  ethnicity: string | null;
  education: string | null;
};

export type HouseholdIssue = RuleIssue & { personId: number | null };

/** Required household fields (besides the schema's NOT NULLs), by label. */
export const REQUIRED_HOUSEHOLD_FIELDS = ['家庭住址', '贫困户属性', '主要致贫原因', '识别年度', '住房安全等级', '饮水安全', '收入年度'] as const;
/** Required member fields, by label. */
export const REQUIRED_MEMBER_FIELDS = ['民族', '文化程度', '健康状况', '劳动技能', '在校生状况（3–22 岁）', '残疾等级（残疾人）'] as const;

export function householdIssues(h: HouseholdFacts, people: PersonFacts[], today: IsoDate): HouseholdIssue[] {
  const out: HouseholdIssue[] = [];
  const active = people.filter((p) => p.status === 'active');
  const heads = active.filter((p) => p.relation === 'head');
  const live = h.status !== 'cancelled';

  if (live) {
    if (heads.length === 0) out.push({ rule: 'head_missing', severity: 'error', message: '该户没有在册的户主', personId: null });
    if (heads.length > 1)
      out.push({ rule: 'head_multiple', severity: 'error', message: `该户有 ${heads.length} 名户主：${heads.map((p) => p.name).join('、')}`, personId: null });
    if (heads.length === 1 && h.headPersonId !== heads[0].id)
      out.push({ rule: 'head_missing', severity: 'error', message: '户主记录与成员中的户主不一致', personId: heads[0].id });
  }

  const head = heads.length === 1 ? heads[0] : null;
  for (const p of active) {
    const doc = parseIdentityDocument(p.idNumber, p.idKind, today);
    if (!doc.ok) {
      out.push({ rule: doc.code === 'checksum' ? 'id_checksum' : 'id_birth_sex', severity: 'error', message: `${p.name}：${doc.reason}`, personId: p.id });
    } else {
      for (const m of checkAgainstId(doc, { sex: p.sex, birthDate: p.birthDate })) out.push({ rule: 'id_birth_sex', severity: 'error', message: `${p.name}：${m}`, personId: p.id });
    }
    if (p.birthDate <= today) {
      for (const i of ageChecks(p, head && head.id !== p.id ? head.birthDate : null, today)) out.push({ ...i, personId: p.id });
      const missing: string[] = [];
      if (!p.ethnicity) missing.push('民族');
      if (!p.education) missing.push('文化程度');
      if (!p.health) missing.push('健康状况');
      if (!p.labour) missing.push('劳动技能');
      const age = ageOn(p.birthDate, today);
      if (!p.schooling && age >= 3 && age <= 22) missing.push('在校生状况');
      if (p.health === 'disabled' && !p.disabilityGrade) missing.push('残疾等级');
      if (missing.length) out.push({ rule: 'missing_required', severity: 'error', message: `${p.name}：未填写${missing.join('、')}`, personId: p.id });
    }
  }

  if (live) {
    const missing: string[] = [];
    if (!h.address) missing.push('家庭住址');
    if (!h.category) missing.push('贫困户属性');
    if (!h.mainCause) missing.push('主要致贫原因');
    if (h.identificationYear == null && h.status !== 'candidate') missing.push('识别年度');
    if (!h.housingSafety) missing.push('住房安全等级');
    if (h.waterSafe == null) missing.push('饮水安全');
    if (h.incomeYear == null) missing.push('收入年度');
    if (missing.length) out.push({ rule: 'missing_required', severity: 'error', message: `户信息未填写${missing.join('、')}`, personId: null });

    const deceased = people.filter((p) => p.status === 'deceased');
    const headDead = h.headPersonId != null && deceased.some((p) => p.id === h.headPersonId);
    if (h.memberCount !== active.length) {
      if (deceased.length && h.memberCount > active.length)
        out.push({
          rule: 'deceased_counted',
          severity: 'error',
          message: `家庭人口登记为 ${h.memberCount} 人，在册成员只有 ${active.length} 人，已故成员（${deceased.map((p) => p.name).join('、')}）仍被计入`,
          personId: null,
        });
      else
        out.push({ rule: 'income_arithmetic', severity: 'error', message: `家庭人口登记为 ${h.memberCount} 人，与在册成员 ${active.length} 人不符`, personId: null });
    }
    if (headDead) out.push({ rule: 'deceased_counted', severity: 'error', message: '户主已死亡，仍登记为户主，请办理户主变更', personId: h.headPersonId });
    const why = checkPerCapita(h.netIncomePerCapitaFen, h.income, active.length);
    if (why) out.push({ rule: 'income_arithmetic', severity: 'error', message: why, personId: null });
  }
  return out;
}
