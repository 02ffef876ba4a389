/**
 * The import proper: staged rows are gathered by household, each household is validated whole
 * (never half-written), matched on the head's resident ID (so importing the same file again changes
 * nothing), and written in batches — one transaction per batch of whole households, so a killed
 * server leaves only whole households and the file can simply be imported again.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { maskIdNumber, parseYuan, phoneSchema } from '@fupin/shared';
import { writeAudit } from '../../audit/audit';
import type { Db, Tx } from '../../db/db';
import type { Database } from '../../db/schema';
import type { Ctx } from '../../http/context';
import { AppError, type FieldIssue } from '../../http/errors';
import { scopeCoversArea, type Scope } from '../../scope/scope';
import { loadDicts, REGISTRY_DICT_TYPES, today } from '../common';
import { insertMembers, recordEvent, recordStatus, refreshHousehold, validateHouseholdFields, validateMember, type MemberDraft } from '../households/members';
import { householdRepo } from '../households/repository';
import type { MemberInput } from '../households/schemas';
import { checkPerCapita, matchDict, normaliseCellText, parseImportId, parseLooseDate, parseMonths, parseSex, parseYesNo, STATUS_LABELS, type DictEntry, type HouseholdStatus } from '../rules';
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS, STATUS_BY_LABEL } from './columns';
import { householdBatches, splitCells, type SheetMeta, type StagedData, type Survey } from './parse';
import type { Cell } from './read';
import { createHouseholds, prepareHousehold, type PreparedHousehold } from './create';
import { Phases } from './phases';

type Dicts = Map<string, DictEntry[]>;
type StagedRow = { seq: number; sheet: string; row_no: number; hh_key: string; id_key: string | null; data: StagedData };
type Place = { areaCode: string; villageCode: string; townshipCode: string; countyCode: string };

export type HouseholdDraft = {
  householdNo: string | null;
  place: Place;
  fields: Record<string, unknown>; // column → value
  status: HouseholdStatus;
  members: (MemberDraft & { seq: number })[];
  perCapitaEntered: number | null;
};

const BATCH = 1000;
/** New households from which an import refreshes the planner's statistics as it ends. */
const ANALYZE_AFTER = 1000;
/**
 * The next batch is validated while the previous one is written, on the one JavaScript thread:
 * the write's statements follow one another, and each can only be sent once the thread is free.
 * Validating 1,000 households in one go (≈ 100 ms and more on a busy machine) left the database
 * idle between two statements of the write for that long; in slices of 50 households the write
 * goes on between slices.
 */
const YIELD_EVERY = 50;
const yieldToWrites = () => new Promise<void>((resolve) => setImmediate(resolve));
const HH_LABEL: Record<string, string> = Object.fromEntries(HOUSEHOLD_FIELDS.map((f) => [f.key, f.header]));
const M_LABEL: Record<string, string> = Object.fromEntries(MEMBER_FIELDS.map((f) => [f.key, f.header]));
const COLUMN: Record<string, string> = {
  address: 'address',
  phone: 'phone',
  bankName: 'bank_name',
  bankAccount: 'bank_account',
  category: 'category',
  identificationStandard: 'identification_standard',
  identificationYear: 'identification_year',
  mainCause: 'main_cause',
  secondaryCauses: 'secondary_causes',
  housingSafety: 'housing_safety',
  waterSafe: 'water_safe',
  electricity: 'electricity',
  foodClothingSecured: 'food_clothing_secured',
  educationSecured: 'education_secured',
  medicalSecured: 'medical_secured',
  incomeYear: 'income_year',
  incomeWagesFen: 'income_wages_fen',
  incomeBusinessFen: 'income_business_fen',
  incomeTransferFen: 'income_transfer_fen',
  incomePropertyFen: 'income_property_fen',
  prefFamilyPlanning: 'pref_family_planning',
  prefVeteran: 'pref_veteran',
};

// The apostrophe our own exports put before text a spreadsheet could run (=, +, -, @) is dropped:
// a roster downloaded and uploaded again must not rename @韦 to '@韦.
const txt = (c: Cell | undefined) => {
  if (c == null) return '';
  const s = normaliseCellText(String(c));
  return s.charCodeAt(0) === 39 /* ' */ ? s.replace(/^'(?=[=+\-@])/, '') : s;
};

// ---------------------------------------------------------------------------------------------
// Areas the importer may write to: villages and groups in the caller's scope, by code and by name.

export type AreaIndex = { byCode: Map<string, Place & { level: number }>; byName: Map<string, (Place & { level: number })[]> };

export async function loadAreaIndex(db: Db, scope: Scope): Promise<AreaIndex> {
  const rows = await db
    .selectFrom('area as a')
    .leftJoin('area as p', 'p.code', 'a.parent_code')
    .leftJoin('area as pp', 'pp.code', 'p.parent_code')
    .select(['a.code', 'a.level', 'a.name', 'a.county_code', 'a.parent_code', 'p.name as pname', 'p.parent_code as gcode', 'pp.name as gname'])
    .where('a.level', 'in', [5, 6])
    .execute();
  const byCode = new Map<string, Place & { level: number }>();
  const byName = new Map<string, (Place & { level: number })[]>();
  for (const a of rows) {
    if (!a.county_code || !scopeCoversArea(scope, a.code)) continue;
    const place =
      a.level === 5
        ? { areaCode: a.code, villageCode: a.code, townshipCode: a.parent_code!, countyCode: a.county_code, level: 5 }
        : { areaCode: a.code, villageCode: a.parent_code!, townshipCode: a.gcode!, countyCode: a.county_code, level: 6 };
    byCode.set(a.code, place);
    const names = a.level === 5 ? [`${a.pname}|${a.name}|`, `|${a.name}|`] : [`${a.gname}|${a.pname}|${a.name}`, `|${a.pname}|${a.name}`];
    for (const n of names) byName.set(n, [...(byName.get(n) ?? []), place]);
  }
  return { byCode, byName };
}

function resolveArea(areas: AreaIndex, h: Record<string, Cell>): { place?: Place; error?: string } {
  const code = txt(h.areaCode).replace(/\D/g, '');
  if (code) {
    const p = areas.byCode.get(code);
    return p ? { place: p } : { error: `区划代码 ${code} 不存在、不是村或组，或不在您的管辖范围内` };
  }
  const t = txt(h.townshipName);
  const v = txt(h.villageName);
  const g = txt(h.groupName);
  if (!v) return { error: '缺少所在村：请填写“区划代码”或“行政村”' };
  const tries = g ? [`${t}|${v}|${g}`, `|${v}|${g}`, `${t}|${v}|`, `|${v}|`] : [`${t}|${v}|`, `|${v}|`];
  for (const k of tries) {
    if (k.startsWith('|') && t) continue;
    const found = areas.byName.get(k);
    if (found?.length === 1) return { place: found[0] };
    if (found && found.length > 1) return { error: `村名“${v}”在您的管辖范围内不止一个，请填写乡镇或区划代码` };
  }
  return { error: `找不到${t}${v}${g ? g : ''}，或不在您的管辖范围内` };
}

// ---------------------------------------------------------------------------------------------
// Cells → values

function dictCell(dicts: Dicts, type: string, label: string, v: Cell | undefined, issues: FieldIssue[]): string | null {
  if (v == null || txt(v) === '') return null;
  const code = matchDict(type, dicts.get(type) ?? [], String(v));
  if (!code) {
    const allowed = (dicts.get(type) ?? []).filter((i) => i.enabled !== false).map((i) => i.label);
    issues.push({ field: label, message: `“${txt(v)}”不是有效的取值，可填：${allowed.join('、')}` });
  }
  return code;
}

function moneyCell(label: string, v: Cell | undefined, issues: FieldIssue[], allowNegative = false): number | null {
  if (v == null || txt(v) === '') return null;
  let s: string | number = typeof v === 'number' ? v : txt(v);
  let neg = false;
  if (allowNegative && (typeof s === 'number' ? s < 0 : s.startsWith('-'))) {
    neg = true;
    s = typeof s === 'number' ? -s : s.slice(1);
  }
  if (typeof s === 'number') s = Math.round(s * 100) / 100; // a float cell such as 1234.5600000001
  const r = parseYuan(s);
  if (!r.ok) {
    issues.push({ field: label, message: r.reason });
    return null;
  }
  return neg ? -r.fen : r.fen;
}

function yesNoCell(label: string, v: Cell | undefined, issues: FieldIssue[]): boolean | null {
  const r = parseYesNo(v ?? null);
  if (!r.ok) {
    issues.push({ field: label, message: r.reason });
    return null;
  }
  return r.value;
}

function yearCell(label: string, v: Cell | undefined, issues: FieldIssue[]): number | null {
  const s = txt(v).replace(/年$/, '');
  if (!s) return null;
  if (!/^\d{4}$/.test(s) || Number(s) < 1980 || Number(s) > 2100) {
    issues.push({ field: label, message: `“${txt(v)}”应为 1980–2100 之间的四位年份` });
    return null;
  }
  return Number(s);
}

function phoneCell(label: string, v: Cell | undefined, issues: FieldIssue[]): string | null {
  if (v == null || txt(v) === '') return null;
  const r = phoneSchema.safeParse(typeof v === 'number' ? String(v) : String(v));
  if (!r.success) {
    issues.push({ field: label, message: r.error.issues[0].message });
    return null;
  }
  return r.data;
}

/** A digit string of 16 or more typed into a number cell: Excel kept 15 significant digits. */
const mangledByExcel = (v: Cell | undefined) => typeof v === 'number' && v >= 1e15;
const mangledIssue = (field: string): FieldIssue => ({ field, message: `${field}被 Excel 保存为数字，末尾数字已丢失；请将该列设置为“文本”格式后重新录入` });

/** The household part of a group's rows, validated; the first non-empty value of each column wins
 * (a flat roster often has the household's cells merged down over its members' rows). */
function householdDraft(dicts: Dicts, areas: AreaIndex, rows: StagedRow[], issues: FieldIssue[]) {
  const h: Record<string, Cell> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.data.h)) if (h[k] == null && v != null && txt(v) !== '') h[k] = v;
  const area = resolveArea(areas, h);
  if (area.error) issues.push({ field: '所在村', message: area.error });
  const f: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => {
    if (v !== null && v !== undefined) f[COLUMN[key]] = v;
  };
  put('address', txt(h.address) || null);
  put('phone', phoneCell(HH_LABEL.phone, h.phone, issues));
  put('bankName', txt(h.bankName) || null);
  if (h.bankAccount != null && txt(h.bankAccount) !== '') {
    if (mangledByExcel(h.bankAccount)) issues.push(mangledIssue('银行账号'));
    else {
      // Excel's leading apostrophe (text marker) comes through in a CSV, as for IDs
      const acct = txt(h.bankAccount).replace(/\s/g, '').replace(/^'/, '');
      if (!/^\d{8,30}$/.test(acct)) issues.push({ field: '银行账号', message: '应为 8–30 位数字' });
      else put('bankAccount', acct);
    }
  }
  put('category', dictCell(dicts, 'household_category', '贫困户属性', h.category, issues) ?? 'general');
  put('identificationStandard', dictCell(dicts, 'identification_standard', '识别标准', h.identificationStandard, issues));
  put('identificationYear', yearCell('识别年度', h.identificationYear, issues));
  put('mainCause', dictCell(dicts, 'poverty_cause', '主要致贫原因', h.mainCause, issues));
  const causes = txt(h.secondaryCauses)
    .split(/[、,，;；/\s]+/)
    .filter(Boolean)
    .map((c) => dictCell(dicts, 'poverty_cause', '次要致贫原因', c, issues))
    .filter((c): c is string => !!c);
  if (causes.length > 2) issues.push({ field: '次要致贫原因', message: '最多两项' });
  f.secondary_causes = causes;
  put('housingSafety', dictCell(dicts, 'housing_safety', '住房安全等级', h.housingSafety, issues));
  for (const k of ['waterSafe', 'electricity', 'foodClothingSecured', 'educationSecured', 'medicalSecured', 'prefFamilyPlanning', 'prefVeteran'])
    put(k, yesNoCell(HH_LABEL[k], h[k], issues));
  put('incomeYear', yearCell('收入年度', h.incomeYear, issues));
  f.income_wages_fen = moneyCell('工资性收入', h.incomeWagesFen, issues) ?? 0;
  f.income_business_fen = moneyCell('生产经营性净收入', h.incomeBusinessFen, issues, true) ?? 0;
  f.income_transfer_fen = moneyCell('转移性收入', h.incomeTransferFen, issues) ?? 0;
  f.income_property_fen = moneyCell('财产性收入', h.incomePropertyFen, issues) ?? 0;
  const perCapita = moneyCell('人均纯收入', h.netIncomePerCapitaFen, issues);
  for (const k of ['prefFamilyPlanning', 'prefVeteran']) if (f[COLUMN[k]] == null) f[COLUMN[k]] = false;
  issues.push(
    ...validateHouseholdFields(
      { category: f.category as string, identificationStandard: f.identification_standard as string, mainCause: f.main_cause as string, secondaryCauses: causes, housingSafety: f.housing_safety as string },
      dicts,
    ).filter((i) => !/不是有效的取值/.test(i.message)),
  );
  let status: HouseholdStatus = 'identified';
  const st = txt(h.status).replace(/[（(][^）)]*[）)]$/, '');
  if (st) {
    const code = STATUS_BY_LABEL[st] ?? (Object.keys(STATUS_LABELS).includes(st) && st !== 'cancelled' ? st : null);
    if (!code) issues.push({ field: '户状态', message: `“${st}”不是有效的户状态，可填：贫困户、已脱贫、返贫、监测对象、识别中` });
    else status = code as HouseholdStatus;
  }
  let size: number | null = null;
  const sizeText = txt(h.householdSize).replace(/\s/g, '').replace(/人$/, '');
  if (sizeText) {
    if (/^\d{1,2}$/.test(sizeText) && Number(sizeText) >= 1) size = Number(sizeText);
    else issues.push({ field: '家庭人口', message: `“${txt(h.householdSize)}”应为 1–99 的整数` });
  }
  const no = txt(h.householdNo).replace(/\s/g, '').replace(/^'/, '');
  // a 16-digit 户编号 typed into a number cell keeps 15 significant digits: two households'
  // numbers may have become one, so it is refused, never used
  if (mangledByExcel(h.householdNo)) issues.push(mangledIssue('户编号'));
  else if (no && !/^\d{6,24}$/.test(no)) issues.push({ field: '户编号', message: '应为 6–24 位数字' });
  return { place: area.place, fields: f, status, householdNo: no || null, perCapita, size, headIdCell: h.headIdNumber ?? null };
}

function memberInputOf(dicts: Dicts, m: Record<string, Cell>, issues: FieldIssue[]): MemberInput | null {
  const local: FieldIssue[] = [];
  const kindText = txt(m.idKind);
  const idKind = /残疾/.test(kindText) ? 'disability_cert' : 'resident';
  const doc = parseImportId(m.idNumber ?? null, idKind);
  if (!doc.ok) local.push({ field: idKind === 'resident' ? '身份证号' : '残疾人证号', message: doc.reason });
  const name = txt(m.name);
  if (!name) local.push({ field: '姓名', message: '不能为空' });
  let sex: 'M' | 'F' | undefined;
  const s = parseSex(m.sex ?? null);
  if (s === 'bad') local.push({ field: '性别', message: `“${txt(m.sex)}”应为“男”或“女”` });
  else if (s) sex = s;
  let birthDate: string | undefined;
  if (m.birthDate != null && txt(m.birthDate) !== '') {
    // 出生年月 is often the year and month only (1966.06, 1966年6月): then it must agree with the
    // ID's, and the full date is the ID's
    const ym = /^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$/.exec(normaliseCellText(String(m.birthDate)));
    if (ym && Number(ym[2]) >= 1 && Number(ym[2]) <= 12) {
      const fromId = doc.ok ? doc.birthDate.slice(0, 7) : null;
      const given = `${ym[1]}-${ym[2].padStart(2, '0')}`;
      if (fromId && fromId !== given) local.push({ field: '出生日期', message: `出生年月 ${given} 与身份证号码不符：身份证号码表明为 ${fromId}` });
    } else {
      const d = parseLooseDate(m.birthDate);
      if (!d.ok) local.push({ field: '出生日期', message: d.reason });
      // a date cell shown as 年月 (format yyyy.mm) holds the 1st of the month
      else if (!(d.date.endsWith('-01') && doc.ok && doc.birthDate.slice(0, 7) === d.date.slice(0, 7))) birthDate = d.date;
    }
  }
  const relation = dictCell(dicts, 'relation', '与户主关系', m.relation, local);
  if (!relation && !local.some((i) => i.field === '与户主关系')) local.push({ field: '与户主关系', message: '不能为空' });
  const months = parseMonths(m.workMonths ?? null);
  if (!months.ok) local.push({ field: '务工月数', message: months.reason });
  let grade: number | null = null;
  const g = txt(m.disabilityGrade).replace(/[级一二三四]/g, (c) => ({ 一: '1', 二: '2', 三: '3', 四: '4', 级: '' })[c] ?? '');
  if (g) {
    if (!/^[1-4]$/.test(g)) local.push({ field: '残疾等级', message: `“${txt(m.disabilityGrade)}”应为 1–4 级` });
    else grade = Number(g);
  }
  const input: MemberInput = {
    name: name || '?',
    idKind,
    idNumber: doc.ok ? doc.number : '-',
    sex,
    birthDate,
    relation: relation ?? 'other',
    ethnicity: dictCell(dicts, 'ethnicity', '民族', m.ethnicity, local),
    education: dictCell(dicts, 'education', '文化程度', m.education, local),
    schooling: dictCell(dicts, 'schooling', '在校生状况', m.schooling, local),
    health: dictCell(dicts, 'health', '健康状况', m.health, local),
    disabilityGrade: grade,
    labour: dictCell(dicts, 'labour', '劳动技能', m.labour, local),
    workStatus: dictCell(dicts, 'work_status', '务工状况', m.workStatus, local),
    workMonths: months.ok ? months.value : null,
    medicalInsurance: yesNoCell(M_LABEL.medicalInsurance, m.medicalInsurance, local),
    pensionInsurance: yesNoCell(M_LABEL.pensionInsurance, m.pensionInsurance, local),
    phone: phoneCell('本人电话', m.memberPhone, local),
  };
  issues.push(...local);
  return local.length ? null : input;
}

// ---------------------------------------------------------------------------------------------

type Verdict = { key: string; outcome: 'created' | 'updated' | 'unchanged' | 'failed'; rowErrors: Map<number, string>; householdId?: number };

const fmt = (issues: FieldIssue[]) => issues.map((i) => (i.field ? `${i.field}：${i.message}` : i.message)).join('；');

type Planned = {
  key: string;
  rows: StagedRow[];
  draft: HouseholdDraft;
  existing: { county_code: string; id: number } | null;
  prepared?: PreparedHousehold;
};

/** Validates one household group; returns a plan or the row errors. */
function planGroup(
  dicts: Dicts,
  areas: AreaIndex,
  key: string,
  rows: StagedRow[],
  sheets: SheetMeta[],
  fileDuplicates: Set<string>,
  day: string,
): { plan?: Omit<Planned, 'existing'>; errors?: Map<number, string> } {
  const kindOf = (r: StagedRow) => sheets[Number(r.sheet)]?.kind ?? 'member';
  const hhRows = rows.filter((r) => kindOf(r) !== 'member' || Object.keys(r.data.h).length);
  const memberRows = rows.filter((r) => kindOf(r) !== 'household');
  const errors = new Map<number, string>();
  const hasHouseholdSheet = sheets.some((s) => s.kind === 'household');
  const hhSheetRows = rows.filter((r) => kindOf(r) === 'household');

  const groupIssues: FieldIssue[] = [];
  if (hasHouseholdSheet && hhSheetRows.length > 1) groupIssues.push({ field: '户主身份证号', message: `户信息表中该户出现了 ${hhSheetRows.length} 次` });
  if (hasHouseholdSheet && !hhSheetRows.length && !rows.some((r) => kindOf(r) === 'flat')) groupIssues.push({ field: '', message: '户信息表中没有这一户（按户主身份证号对应）' });
  if (!memberRows.length) groupIssues.push({ field: '', message: '成员信息表中没有该户的成员（按户主身份证号对应）' });
  const hi: FieldIssue[] = [];
  const hd = householdDraft(dicts, areas, hhRows.length ? hhRows : rows, hi);
  groupIssues.push(...hi);

  const members: (MemberDraft & { seq: number })[] = [];
  const seen = new Map<string, number>();
  for (const r of memberRows) {
    const issues: FieldIssue[] = [];
    const input = memberInputOf(dicts, r.data.m, issues);
    if (input) {
      const v = validateMember(input, dicts, day, '');
      issues.push(...v.issues);
      if (v.draft) {
        if (fileDuplicates.has(v.draft.residentId)) issues.push({ field: '身份证号', message: '同一身份证号码在文件中出现在不同的户里' });
        const j = seen.get(v.draft.residentId);
        if (j !== undefined) issues.push({ field: '身份证号', message: `与本户第 ${j} 行的成员重复` });
        seen.set(v.draft.residentId, r.row_no);
        if (!issues.length) members.push({ ...v.draft, seq: r.seq });
      }
    }
    if (issues.length) errors.set(r.seq, fmt(issues));
  }
  const heads = members.filter((m) => m.relation === 'head');
  if (errors.size === 0 && memberRows.length) {
    if (heads.length === 0) groupIssues.push({ field: '与户主关系', message: '该户成员中没有户主' });
    if (heads.length > 1) groupIssues.push({ field: '与户主关系', message: `该户有 ${heads.length} 名户主` });
  }
  if (hd.headIdCell != null) {
    // a 户主身份证号 cell that cannot be read (stored as a number) put its row in a household of
    // its own: imported without the members whose cells were text
    const p = parseImportId(hd.headIdCell);
    if (!p.ok && (p.code === 'scientific' || typeof hd.headIdCell === 'number')) groupIssues.push({ field: '户主身份证号', message: p.reason });
    else if (heads.length === 1 && p.ok && p.residentId !== heads[0].residentId) groupIssues.push({ field: '户主身份证号', message: '与成员中户主的身份证号码不一致' });
  }
  // 家庭人口 that disagrees with the member rows means the file lost members (a block cut off, a
  // sheet filtered): importing the rest would leave a partial household, so it is refused.
  if (hd.size != null && errors.size === 0 && memberRows.length && hd.size !== members.length)
    groupIssues.push({ field: '家庭人口', message: `填写 ${hd.size} 人，表中该户成员 ${members.length} 人；请补齐成员或改正家庭人口` });
  if (hd.perCapita != null && errors.size === 0 && !groupIssues.length) {
    const why = checkPerCapita(
      hd.perCapita,
      { wagesFen: hd.fields.income_wages_fen as number, businessFen: hd.fields.income_business_fen as number, transferFen: hd.fields.income_transfer_fen as number, propertyFen: hd.fields.income_property_fen as number },
      members.length,
    );
    if (why) groupIssues.push({ field: '人均纯收入', message: why });
  }
  if (groupIssues.length || errors.size) {
    const msg = fmt(groupIssues);
    const first = (hhSheetRows[0] ?? rows[0]).seq;
    for (const r of rows) {
      const own = errors.get(r.seq);
      if (own) errors.set(r.seq, msg && r.seq === first ? `${msg}；${own}` : own);
      else errors.set(r.seq, r.seq === first && msg ? msg : '同户其他行有错误，整户未导入');
    }
    return { errors };
  }
  return {
    plan: {
      key,
      rows,
      draft: { householdNo: hd.householdNo, place: hd.place!, fields: hd.fields, status: hd.status, members, perCapitaEntered: hd.perCapita },
    },
  };
}

const PERSON_COMPARE: [keyof MemberDraft, string][] = [
  ['name', 'name'],
  ['idKind', 'id_kind'],
  ['idNumber', 'id_number'],
  ['sex', 'sex'],
  ['birthDate', 'birth_date'],
  ['relation', 'relation'],
  ['ethnicity', 'ethnicity'],
  ['education', 'education'],
  ['schooling', 'schooling'],
  ['health', 'health'],
  ['disabilityGrade', 'disability_grade'],
  ['labour', 'labour'],
  ['workStatus', 'work_status'],
  ['workMonths', 'work_months'],
  ['medicalInsurance', 'medical_insurance'],
  ['pensionInsurance', 'pension_insurance'],
  ['phone', 'phone'],
];

/** Only what the file says: a column the file leaves empty never blanks the database. */
function personSet(d: MemberDraft, current: Record<string, unknown>): Record<string, unknown> | null {
  const set: Record<string, unknown> = {};
  for (const [k, col] of PERSON_COMPARE) {
    const v = d[k];
    if (v == null) continue;
    if (current[col] !== v) set[col] = v;
  }
  return Object.keys(set).length ? set : null;
}

/**
 * Households the file describes that exist already: locked and read for the whole batch in two
 * statements, compared in memory; only those that differ are written (re-importing the same file
 * writes nothing at all).
 */
async function updateExisting(tx: Tx, ctx: Ctx, plans: Planned[], day: string): Promise<Map<string, 'updated' | 'unchanged'>> {
  const out = new Map<string, 'updated' | 'unchanged'>();
  const byCounty = new Map<string, Planned[]>();
  for (const p of plans) byCounty.set(p.existing!.county_code, [...(byCounty.get(p.existing!.county_code) ?? []), p]);
  for (const [county, list] of byCounty) {
    const ids = list.map((p) => p.existing!.id);
    const hs = await tx.selectFrom('household').selectAll().where('county_code', '=', county).where('id', 'in', ids).orderBy('id').forUpdate().execute();
    const people = await tx.selectFrom('person').selectAll().where('county_code', '=', county).where('household_id', 'in', ids).where('status', '=', 'active').orderBy('id').forUpdate().execute();
    const hOf = new Map(hs.map((h) => [h.id, h]));
    const membersOf = new Map<number, typeof people>();
    for (const m of people) membersOf.set(m.household_id, [...(membersOf.get(m.household_id) ?? []), m]);
    for (const p of list) out.set(p.key, await writeExisting(tx, ctx, p, hOf.get(p.existing!.id)!, membersOf.get(p.existing!.id) ?? [], day));
  }
  return out;
}

type HouseholdRowFull = Awaited<ReturnType<typeof loadHousehold>>;
function loadHousehold(tx: Tx, county: string, id: number) {
  return tx.selectFrom('household').selectAll().where('county_code', '=', county).where('id', '=', id).executeTakeFirstOrThrow();
}
type PersonRowFull = Awaited<ReturnType<typeof householdRepo.members>>[number];

async function writeExisting(tx: Tx, ctx: Ctx, p: Planned, h: HouseholdRowFull, members: PersonRowFull[], day: string): Promise<'updated' | 'unchanged'> {
  const set: Record<string, unknown> = {};
  for (const [col, v] of Object.entries(p.draft.fields)) {
    if (v == null) continue;
    const cur = (h as Record<string, unknown>)[col];
    if (JSON.stringify(cur) !== JSON.stringify(v)) set[col] = v;
  }
  // income columns absent from the file come in as 0: keep what the database has then
  for (const c of ['income_wages_fen', 'income_business_fen', 'income_transfer_fen', 'income_property_fen'])
    if (set[c] === 0 && !p.rows.some((r) => r.data.h[Object.keys(COLUMN).find((k) => COLUMN[k] === c)!] != null)) delete set[c];
  if (!p.rows.some((r) => r.data.h.category != null)) delete set.category;
  if (!p.rows.some((r) => r.data.h.secondaryCauses != null)) delete set.secondary_causes;
  for (const c of ['pref_family_planning', 'pref_veteran']) if (set[c] === false) delete set[c];
  if (p.draft.place.areaCode !== h.area_code) Object.assign(set, { area_code: p.draft.place.areaCode, village_code: p.draft.place.villageCode, township_code: p.draft.place.townshipCode });
  const byId = new Map(members.map((m) => [m.id_number.slice(0, 18), m]));
  const changes: string[] = [];
  const added: MemberDraft[] = [];
  const personUpdates: { id: number; set: Record<string, unknown> }[] = [];
  for (const d of p.draft.members) {
    const cur = byId.get(d.residentId);
    if (!cur) {
      added.push(d);
      continue;
    }
    const ps = personSet(d, cur as unknown as Record<string, unknown>);
    if (ps) {
      personUpdates.push({ id: cur.id, set: ps });
      changes.push(`${cur.name}：${Object.keys(ps).join("、")}`);
    }
  }
  if (!Object.keys(set).length && !changes.length && !added.length) return 'unchanged';
  for (const u of personUpdates)
    await tx
      .updateTable('person')
      .set({ ...u.set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', h.county_code)
      .where('id', '=', u.id)
      .execute();
  if (Object.keys(set).length)
    await tx
      .updateTable('household')
      .set({ ...set, updated_at: sql`now()` })
      .where('county_code', '=', h.county_code)
      .where('id', '=', h.id)
      .execute();
  if (set.area_code) await tx.updateTable('person').set({ area_code: set.area_code as string }).where('county_code', '=', h.county_code).where('household_id', '=', h.id).execute();
  if (added.length) await insertMembers(tx, { county_code: h.county_code, id: h.id, area_code: (set.area_code as string) ?? h.area_code }, added, { date: day, reason: 'import' });
  await refreshHousehold(tx, h.county_code, h.id, day, { bump: true });
  await recordEvent(tx, ctx, {
    county_code: h.county_code,
    household_id: h.id,
    kind: 'import',
    event_date: day,
    summary: `导入更新：${[Object.keys(set).length ? `户信息 ${Object.keys(set).length} 项（${Object.keys(set).join('、')}）` : '', ...changes, added.length ? `新增成员 ${added.map((a) => a.name).join('、')}` : ''].filter(Boolean).join('；')}`,
  });
  return 'updated';
}

/**
 * Where an import's batches are written: with a pool at hand, one connection of its own for the
 * whole import, reached both through Kysely (the transaction) and directly (COPY of the persons,
 * create.ts), so the COPY runs inside the batch's transaction. Without a pool, the caller's Kysely.
 */
type Writer = { db: Db; client: pg.PoolClient | null; release: () => void };
async function openWriter(db: Db, pool?: pg.Pool): Promise<Writer> {
  if (!pool) return { db, client: null, release: () => {} };
  const client = await pool.connect();
  // Kysely releases its connection after each transaction; this one is released when the import ends
  const held = { query: (...a: unknown[]) => (client.query as (...x: unknown[]) => unknown)(...a), release: () => {} };
  const one = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => held, end: async () => {} } as never }) });
  return { db: one, client, release: () => client.release() };
}

/** Writes one batch in one transaction; on an unexpected failure, household by household. */
async function writeBatch(w: Writer, ctx: Ctx, importId: number, filename: string, plans: Planned[], day: string, ph: Phases): Promise<Verdict[]> {
  const fresh = plans.filter((p) => !p.existing);
  const old = plans.filter((p) => p.existing);
  try {
    return await w.db.transaction().execute(async (tx) => {
      // Every statement of a batch reads by key (claims, numbers, the foreign-key checks of each
      // person, event and history row). Plans made here while the tables are young would be
      // sequential scans, and the foreign-key checks keep their plan for the connection's life —
      // each check then costs as much as the households imported so far. Index plans are right at
      // every size for these statements.
      await sql`SET LOCAL enable_seqscan = off`.execute(tx);
      const out: Verdict[] = [];
      await createHouseholds(tx, ctx, fresh, day, ph, w.client);
      for (const p of fresh) out.push({ key: p.key, outcome: 'created', rowErrors: new Map() });
      const outcomes = old.length ? await ph.time('write.updateExisting', () => updateExisting(tx, ctx, old, day)) : new Map<string, 'updated' | 'unchanged'>();
      for (const p of old) out.push({ key: p.key, outcome: outcomes.get(p.key)!, rowErrors: new Map(), householdId: p.existing!.id });
      const created = out.filter((v) => v.outcome === 'created').length;
      const updated = out.filter((v) => v.outcome === 'updated').length;
      if (created || updated)
        await ph.time('write.audit', () => writeAudit(tx, ctx, {
          module: 'registry',
          action: 'import',
          entity: 'registry_import',
          entityId: importId,
          countyCode: plans[0].draft.place.countyCode,
          areaCode: plans[0].draft.place.areaCode,
          summary: `导入 ${filename}：新建 ${created} 户，更新 ${updated} 户`,
          after: { created: fresh.map((p) => p.draft.householdNo), updated: old.map((p) => p.existing!.id) },
        }));
      return out;
    });
  } catch (e) {
    if (plans.length === 1) {
      const msg = e instanceof AppError ? e.message : '写入数据库失败，该户未导入';
      return [{ key: plans[0].key, outcome: 'failed', rowErrors: new Map(plans[0].rows.map((r) => [r.seq, msg])) }];
    }
    const out: Verdict[] = [];
    for (const p of plans) out.push(...(await writeBatch(w, ctx, importId, filename, [p], day, ph)));
    return out;
  }
}

export type ImportCounts = { created: number; updated: number; unchanged: number; failed: number; failedRows: number };

type Progress = (c: ImportCounts & { processed: number; sample: { sheet: string; rowNo: number; reason: string }[] }) => Promise<void>;

/** Imports the staged rows of one upload; reports progress after every batch. */
export async function importStaged(db: Db, ctx: Ctx, importId: number, filename: string, sheets: SheetMeta[], onProgress: Progress, ph: Phases = new Phases(), pool?: pg.Pool): Promise<ImportCounts> {
  const dup = await db
    .selectFrom('registry_import_row')
    .select('id_key')
    .where('import_id', '=', importId)
    .where('id_key', 'is not', null)
    .groupBy('id_key')
    .having(sql`count(DISTINCT hh_key)`, '>', 1)
    .execute();
  // The batches' bounds, in one statement: every BATCH-th household key (in the key index's order)
  // and the last. Asked per batch instead (`DISTINCT hh_key … > last ORDER BY hh_key LIMIT 1000`)
  // they cost 0.75–1.6 s for 20 batches in the benchmark (read.keys).
  const bounds = (
    await ph.time('read.keys', () =>
      sql<{ hh_key: string }>`
        SELECT hh_key FROM (
          SELECT hh_key, row_number() OVER (ORDER BY hh_key) AS n, count(*) OVER () AS total
          FROM (SELECT DISTINCT hh_key FROM registry_import_row WHERE import_id = ${importId}) k) x
        WHERE n % ${BATCH} = 0 OR n = total
        ORDER BY hh_key`.execute(db),
    )
  ).rows.map((r) => r.hh_key);
  async function* batches() {
    for (let b = 0; b < bounds.length; b++) {
      const from = b ? bounds[b - 1] : null;
      const to = bounds[b];
      // the batch's keys are a range of the key index: one range scan, not a probe per key
      let q = db
        .selectFrom('registry_import_row')
        .select(['seq', 'sheet', 'row_no', 'hh_key', 'id_key', 'data'])
        .where('import_id', '=', importId)
        .where('hh_key', '<=', to);
      if (from !== null) q = q.where('hh_key', '>', from);
      yield (await ph.time('read.rows', () => q.orderBy('seq').execute())) as unknown as StagedRow[];
    }
  }
  return importBatches(db, ctx, importId, filename, sheets, { batches: batches(), fileDuplicates: new Set(dup.map((d) => d.id_key!)), staged: true, pool }, onProgress, ph);
}

/** A grouped file read straight from the file, nothing staged (parse.ts, surveyUpload). */
export async function importDirect(
  db: Db,
  ctx: Ctx,
  importId: number,
  filename: string,
  path: string,
  format: 'xlsx' | 'csv',
  survey: Survey,
  onProgress: Progress,
  ph: Phases = new Phases(),
  pool?: pg.Pool,
): Promise<ImportCounts> {
  async function* batches() {
    for await (const rows of householdBatches(path, format, BATCH)) yield rows.map((r) => ({ seq: r.seq, sheet: r.sheet, row_no: r.row_no, hh_key: r.hh_key, id_key: r.id_key, data: { raw: r.cells, h: {}, m: {} } }));
  }
  return importBatches(db, ctx, importId, filename, survey.sheets, { batches: batches(), fileDuplicates: survey.fileDuplicates, staged: false, pool }, onProgress, ph);
}

/**
 * Batches of whole households, in order: each is validated, matched and prepared while the one
 * before is written. The rows of `staged` batches are in registry_import_row (their verdicts are
 * noted there); otherwise only the refused rows are put there, for the error workbook.
 */
async function importBatches(
  db: Db,
  ctx: Ctx,
  importId: number,
  filename: string,
  sheets: SheetMeta[],
  source: { batches: AsyncIterable<StagedRow[]>; fileDuplicates: Set<string>; staged: boolean; pool?: pg.Pool },
  onProgress: Progress,
  ph: Phases,
): Promise<ImportCounts> {
  const day = today();
  const dicts = await loadDicts(db, REGISTRY_DICT_TYPES);
  const areas = await loadAreaIndex(db, ctx.scope);
  const fileDuplicates = source.fileDuplicates;
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, failed: 0, failedRows: 0 };
  const sample: { sheet: string; rowNo: number; reason: string }[] = [];
  let processed = 0;
  let analyzed = false;
  let pending: Promise<void> | null = null;
  const writer = await openWriter(db, source.pool);
  try {
    for await (const rows of source.batches) {
      const groups = new Map<string, StagedRow[]>();
      for (const r of rows) {
        // staged as the row's cells only; the field split follows the sheet's column map
        const meta = sheets[Number(r.sheet)];
        if (meta) r.data = { ...splitCells(meta, r.data.raw), raw: r.data.raw };
        const g = groups.get(r.hh_key);
        if (g) g.push(r);
        else groups.set(r.hh_key, [r]);
      }

      const verdicts: Verdict[] = [];
      const planned: Omit<Planned, 'existing'>[] = [];
      let tv = performance.now();
      let k = 0;
      for (const [key, g] of groups) {
        if (++k % YIELD_EVERY === 0) {
          ph.add('validate', performance.now() - tv);
          await yieldToWrites();
          tv = performance.now();
        }
        const r = planGroup(dicts, areas, key, g, sheets, fileDuplicates, day);
        if (r.errors) verdicts.push({ key, outcome: 'failed', rowErrors: r.errors });
        else planned.push(r.plan!);
      }
      ph.add('validate', performance.now() - tv);
      const tm = performance.now();
      // Who already holds these IDs (anywhere), and which household numbers exist.
      const ids = planned.flatMap((p) => p.draft.members.map((m) => m.residentId));
      // One probe of the ID index per resident ID, forced by the LATERAL … OFFSET 0: with a list of
      // thousands the planner preferred a (parallel) sequential scan of the whole index table — at
      // county scale 0.65 s per batch, growing with every household imported (measured, EXPLAIN
      // ANALYZE on 700,000 persons).
      const holders = ids.length
        ? (
            await sql<{ id_number: string; county_code: string; household_id: number; relation: string; area_code: string; status: string; village_name: string | null }>`
              SELECT x.* FROM unnest(${ids}::text[]) AS k(idn)
              CROSS JOIN LATERAL (
                SELECT i.id_number, p.county_code, p.household_id, p.relation, h.area_code, h.status, v.name AS village_name
                FROM person_id_index i
                JOIN person p ON p.county_code = i.county_code AND p.id = i.person_id
                JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id
                LEFT JOIN area v ON v.code = h.village_code
                WHERE i.id_number = k.idn
                OFFSET 0) x`.execute(db)
          ).rows
        : [];
      const holder = new Map(holders.map((x) => [x.id_number, x]));
      const nos = planned.filter((p) => p.draft.householdNo).map((p) => p.draft.householdNo!);
      const numbered = nos.length
        ? await db.selectFrom('household').select(['county_code', 'id', 'household_no', 'area_code']).where('household_no', 'in', nos).execute()
        : [];
      const plans: Planned[] = [];
      for (const p of planned) {
        const head = p.draft.members.find((m) => m.relation === 'head')!;
        const hh = holder.get(head.residentId);
        let existing: Planned['existing'] = null;
        let error: string | null = null;
        const byNo = p.draft.householdNo ? numbered.find((n) => n.household_no === p.draft.householdNo && n.county_code === p.draft.place.countyCode) : undefined;
        if (hh) {
          if (hh.relation !== 'head') error = `户主 ${head.name} 已是${hh.village_name ?? ''}另一户的成员（不是户主），请先办理迁移或分户`;
          else if (!scopeCoversArea(ctx.scope, hh.area_code)) error = `户主 ${head.name} 已在${hh.village_name ?? '其他村'}登记，不在您的管辖范围内`;
          else if (hh.status === 'cancelled') error = '该户已注销，不能再导入';
          else existing = { county_code: hh.county_code, id: hh.household_id };
          if (existing && byNo && byNo.id !== existing.id) error = `户编号 ${p.draft.householdNo} 已被另一户使用`;
        } else if (byNo) error = `户编号 ${p.draft.householdNo} 已被另一户使用`;
        if (!error)
          for (const m of p.draft.members) {
            const x = holder.get(m.residentId);
            if (x && !(existing && x.county_code === existing.county_code && x.household_id === existing.id)) {
              error = `${m.name}（${maskIdNumber(m.idNumber)}）已在${x.village_name ?? '其他村'}的另一户中在册，同一人只能在一户中在册`;
              break;
            }
          }
        if (error) {
          const first = p.rows[0].seq;
          verdicts.push({ key: p.key, outcome: 'failed', rowErrors: new Map(p.rows.map((r) => [r.seq, r.seq === first ? error! : '同户其他行有错误，整户未导入'])) });
        } else plans.push({ ...p, existing });
      }
      ph.add('match', performance.now() - tm);
      // the new households' quality verdicts and rows, before the previous batch's write is awaited
      let tp = performance.now();
      k = 0;
      for (const p of plans) {
        if (++k % YIELD_EVERY === 0) {
          ph.add('prepare', performance.now() - tp);
          await yieldToWrites();
          tp = performance.now();
        }
        if (!p.existing) p.prepared = prepareHousehold(p.draft, day);
      }
      ph.add('prepare', performance.now() - tp);
      // Pipelining: this batch was read, validated and matched (JS) while the previous one was being
      // written (the database, another process); its own write starts once that one is done, so
      // writes, verdicts and progress stay in order. Matching does not depend on the previous batch:
      // its households are other keys, and an ID in two households of the file is refused for both.
      if (pending) await pending;
      const finish = async () => {
        if (plans.length) {
          const tw = performance.now();
          const written = await writeBatch(writer, ctx, importId, filename, plans, day, ph);
          ph.add('write', performance.now() - tw);
          for (const v of written) {
            if (v.outcome === 'failed') {
              const rows = groups.get(v.key)!;
              const msg = [...v.rowErrors.values()][0];
              v.rowErrors = new Map(rows.map((r, i) => [r.seq, i === 0 ? msg : '同户其他行有错误，整户未导入']));
            }
          }
          verdicts.push(...written);
        }
        const errs: { seq: number; error: string }[] = [];
        for (const v of verdicts) {
          if (v.outcome === 'failed') {
            counts.failed++;
            for (const [seq, error] of v.rowErrors) {
              errs.push({ seq, error });
              counts.failedRows++;
            }
          } else counts[v.outcome]++;
        }
        if (errs.length) {
          const bySeq = new Map(rows.map((r) => [r.seq, r]));
          if (source.staged)
            await sql`
              UPDATE registry_import_row r SET error = x.e
              FROM unnest(${errs.map((e) => e.seq)}::int[], ${errs.map((e) => e.error)}::text[]) AS x(s, e)
              WHERE r.import_id = ${importId} AND r.seq = x.s AND r.seq = ANY(${errs.map((e) => e.seq)}::int[])`.execute(db);
          else {
            const bad = errs.map((e) => bySeq.get(e.seq)!);
            await sql`
              INSERT INTO registry_import_row (import_id, seq, sheet, row_no, hh_key, id_key, data, error)
              SELECT ${importId}, s, sh, rn, k, ik, d::json, e
              FROM unnest(${bad.map((r) => r.seq)}::int[], ${bad.map((r) => r.sheet)}::text[], ${bad.map((r) => r.row_no)}::int[], ${bad.map((r) => r.hh_key)}::text[],
                          ${bad.map((r) => r.id_key)}::text[], ${bad.map((r) => JSON.stringify({ raw: r.data.raw }))}::text[], ${errs.map((e) => e.error)}::text[])
                AS t(s, sh, rn, k, ik, d, e)`.execute(db);
          }
          for (const e of errs) {
            if (sample.length >= 100) break;
            if (e.error === '同户其他行有错误，整户未导入') continue;
            const r = bySeq.get(e.seq)!;
            sample.push({ sheet: sheets[Number(r.sheet)]?.name ?? '', rowNo: r.row_no, reason: e.error });
          }
        }
        processed += groups.size;
        // A foreign-key check plan cached before the import (a save while the table was nearly empty)
        // would stay a sequential scan — each check costing as much as the households imported so far
        // (measured: 0.3 → 3.3 ms per person within 12,000 households). One ANALYZE after the first
        // batch invalidates such plans; they are made again inside a batch, as index plans (above).
        // The planner's statistics for the rest of the system follow with autovacuum.
        if (counts.created && !analyzed) {
          analyzed = true;
          await ph.time('analyze', () => sql`ANALYZE household`.execute(db));
        }
        await ph.time('progress', () => onProgress({ ...counts, processed, sample }));
      };
      pending = finish();
      // handled where it is awaited; without this a failure while the next batch is being read
      // would be an unhandled rejection
      pending.catch(() => {});
    }
    if (pending) await pending;
  } finally {
    // never hand the connection back with a batch's write still running on it
    await (pending as Promise<void> | null)?.catch(() => {});
    writer.release();
  }
  // Fresh statistics for the lists that follow. Without them the planner still sees the tables as
  // they were after the first batch (household) or before the import (person) until autovacuum
  // comes round, and chose plans that read every person of the county for a 20-row page
  // (village …209 of the bench: 52 ms at 20,000 households, 1.7–3.0 s at 200,000; bench/notes.md).
  if (counts.created >= ANALYZE_AFTER) await ph.time('analyzeEnd', () => sql`ANALYZE household, person`.execute(db));
  return counts;
}

export { recordStatus };
