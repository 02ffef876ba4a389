/**
 * The columns of the registry's import template and of the files found in the field: each field
 * with its template header and the other spellings seen in real rosters. Headers are compared after
 * normaliseHeader (no spaces, required marks or units).
 */
import { normaliseHeader } from '../rules';

export type FieldKind = 'text' | 'id' | 'dict' | 'date' | 'money' | 'yesno' | 'int' | 'year' | 'sex' | 'months' | 'causes' | 'status' | 'idkind' | 'grade' | 'phone' | 'account' | 'code';
/** `template: false`: read from field files, not offered in the import template (the system counts it). */
export type FieldDef = { key: string; header: string; aliases?: string[]; kind: FieldKind; dict?: string; required?: boolean; note?: string; template?: false };

export const HOUSEHOLD_FIELDS: FieldDef[] = [
  { key: 'householdNo', header: '户编号', aliases: ['户号', '农户编号'], kind: 'code', note: '留空则按村自动编号' },
  { key: 'headName', header: '户主姓名', aliases: ['户主'], kind: 'text' },
  { key: 'headIdNumber', header: '户主身份证号', aliases: ['户主身份证号码', '户主证件号码', '户主公民身份号码'], kind: 'id', required: true, note: '两张表以此关联；请设为文本格式' },
  { key: 'areaCode', header: '区划代码', aliases: ['村组代码', '所在村组代码', '村代码', '组代码'], kind: 'code', note: '12 位村代码或 15 位组代码；不填则按乡镇、行政村、村民组名称查找' },
  { key: 'townshipName', header: '乡镇', aliases: ['乡（镇）', '乡镇名称', '所在乡镇', '镇', '乡'], kind: 'text' },
  { key: 'villageName', header: '行政村', aliases: ['村', '村名', '所在村', '村委会'], kind: 'text' },
  { key: 'groupName', header: '村民组', aliases: ['组', '村民小组', '自然村', '组别', '屯', '自然屯', '所在屯'], kind: 'text' },
  { key: 'address', header: '家庭住址', aliases: ['住址', '地址', '家庭地址'], kind: 'text' },
  { key: 'phone', header: '联系电话', aliases: ['电话', '手机', '手机号', '手机号码', '联系方式', '电话号码'], kind: 'phone' },
  { key: 'bankName', header: '开户银行', aliases: ['开户行', '开户银行名称', '开户行名称'], kind: 'text' },
  { key: 'bankAccount', header: '银行账号', aliases: ['银行卡号', '账号', '一卡通账号', '存折账号', '开户账号', '银行账户', '社保卡号', '惠民一卡通账号'], kind: 'account' },
  { key: 'category', header: '贫困户属性', aliases: ['户属性', '贫困户类型', '户类型'], kind: 'dict', dict: 'household_category', required: true },
  { key: 'identificationStandard', header: '识别标准', kind: 'dict', dict: 'identification_standard' },
  { key: 'identificationYear', header: '识别年度', aliases: ['识别年份', '建档年度', '纳入年度'], kind: 'year' },
  { key: 'status', header: '户状态', aliases: ['状态', '贫困状态', '脱贫状态', '脱贫属性', '贫困户状态'], kind: 'status', note: '贫困户、已脱贫、返贫、监测对象、识别中；留空为贫困户' },
  { key: 'mainCause', header: '主要致贫原因', aliases: ['致贫原因', '主要致贫原'], kind: 'dict', dict: 'poverty_cause', required: true },
  { key: 'secondaryCauses', header: '次要致贫原因', aliases: ['其他致贫原因'], kind: 'causes', dict: 'poverty_cause', note: '最多两项，用顿号或逗号分隔' },
  { key: 'housingSafety', header: '住房安全等级', aliases: ['住房安全', '危房等级', '房屋等级'], kind: 'dict', dict: 'housing_safety' },
  { key: 'waterSafe', header: '饮水安全', aliases: ['饮水安全有保障', '安全饮水'], kind: 'yesno' },
  { key: 'electricity', header: '通生活用电', aliases: ['通电', '生活用电'], kind: 'yesno' },
  { key: 'foodClothingSecured', header: '不愁吃穿', aliases: ['不愁吃不愁穿', '吃穿不愁'], kind: 'yesno' },
  { key: 'educationSecured', header: '义务教育保障', aliases: ['义务教育有保障'], kind: 'yesno' },
  { key: 'medicalSecured', header: '基本医疗保障', aliases: ['基本医疗有保障'], kind: 'yesno' },
  { key: 'incomeYear', header: '收入年度', aliases: ['收入年份'], kind: 'year' },
  { key: 'incomeWagesFen', header: '工资性收入', aliases: ['工资性收入元', '务工收入'], kind: 'money' },
  { key: 'incomeBusinessFen', header: '生产经营性净收入', aliases: ['生产经营性收入', '经营性收入', '经营净收入'], kind: 'money' },
  { key: 'incomeTransferFen', header: '转移性收入', aliases: ['政策性收入'], kind: 'money' },
  { key: 'incomePropertyFen', header: '财产性收入', kind: 'money' },
  { key: 'netIncomePerCapitaFen', header: '人均纯收入', aliases: ['家庭人均纯收入', '人均收入', '年人均纯收入'], kind: 'money', note: '可不填；填写时须与各项收入 ÷ 人口相符' },
  { key: 'householdSize', header: '家庭人口', aliases: ['家庭人口数', '家庭人数', '人口数', '人数', '户人口', '户内人口', '家庭成员人数'], kind: 'int', template: false, note: '可不填；填写时须与表中该户成员人数相符' },
  { key: 'prefFamilyPlanning', header: '计生户', aliases: ['独生子女户', '计生示范户'], kind: 'yesno' },
  { key: 'prefVeteran', header: '退役军人户', aliases: ['复员退伍军人', '退伍军人户'], kind: 'yesno' },
];

export const MEMBER_FIELDS: FieldDef[] = [
  { key: 'headIdNumber', header: '户主身份证号', aliases: ['户主身份证号码', '户主证件号码', '户主公民身份号码'], kind: 'id', note: '本人所在户户主的身份证号；户主本人填自己的' },
  { key: 'name', header: '姓名', aliases: ['成员姓名', '家庭成员姓名'], kind: 'text', required: true },
  { key: 'idKind', header: '证件类型', kind: 'idkind', note: '居民身份证（默认）或残疾人证' },
  { key: 'idNumber', header: '身份证号', aliases: ['身份证号码', '证件号码', '公民身份号码', '身份证', '证件号', '残疾证号'], kind: 'id', required: true, note: '请设为文本格式，否则 Excel 会丢失末尾数字' },
  { key: 'sex', header: '性别', kind: 'sex' },
  { key: 'birthDate', header: '出生日期', aliases: ['出生年月', '出生年月日', '生日'], kind: 'date' },
  { key: 'relation', header: '与户主关系', aliases: ['与户主的关系', '家庭关系', '关系'], kind: 'dict', dict: 'relation', required: true },
  { key: 'ethnicity', header: '民族', kind: 'dict', dict: 'ethnicity' },
  { key: 'education', header: '文化程度', aliases: ['学历'], kind: 'dict', dict: 'education' },
  { key: 'schooling', header: '在校生状况', aliases: ['在校生情况', '在校情况', '在校状况'], kind: 'dict', dict: 'schooling' },
  { key: 'health', header: '健康状况', aliases: ['健康情况', '身体状况'], kind: 'dict', dict: 'health' },
  { key: 'disabilityGrade', header: '残疾等级', aliases: ['残疾级别'], kind: 'grade' },
  { key: 'labour', header: '劳动技能', aliases: ['劳动能力', '劳动力状况', '劳动力'], kind: 'dict', dict: 'labour' },
  { key: 'workStatus', header: '务工状况', aliases: ['务工情况', '务工地点'], kind: 'dict', dict: 'work_status' },
  { key: 'workMonths', header: '务工月数', aliases: ['务工时间', '务工时间月', '务工时间（月）'], kind: 'months' },
  { key: 'medicalInsurance', header: '参加医疗保险', aliases: ['是否参加城乡居民基本医疗保险', '参加城乡居民基本医疗保险', '医疗保险', '参加大病保险', '是否参加大病保险'], kind: 'yesno' },
  { key: 'pensionInsurance', header: '参加养老保险', aliases: ['是否参加城乡居民基本养老保险', '参加城乡居民基本养老保险', '养老保险'], kind: 'yesno' },
  { key: 'memberPhone', header: '本人电话', aliases: ['成员电话'], kind: 'phone' },
];

export const STATUS_BY_LABEL: Record<string, string> = {
  贫困户: 'identified',
  未脱贫: 'identified',
  在册: 'identified',
  已脱贫: 'exited',
  // the national register's 脱贫属性 says 已脱贫（享受政策）/ 已脱贫（不再享受政策）: the bracket is
  // dropped before the lookup; written without it, these
  脱贫享受政策: 'exited',
  脱贫不享受政策: 'exited',
  脱贫: 'exited',
  脱贫户: 'exited',
  返贫: 'returned',
  返贫户: 'returned',
  监测对象: 'monitored',
  监测户: 'monitored',
  识别中: 'candidate',
};

type Lookup = Map<string, FieldDef>;
function lookup(defs: FieldDef[]): Lookup {
  const m: Lookup = new Map();
  for (const d of defs) for (const h of [d.header, ...(d.aliases ?? [])]) m.set(normaliseHeader(h), d);
  return m;
}
const HOUSEHOLD_LOOKUP = lookup(HOUSEHOLD_FIELDS);
const MEMBER_LOOKUP = lookup(MEMBER_FIELDS);

/** 联系电话 in a member sheet is the member's phone; in a household sheet the household's. */
export function fieldOf(header: string, sheet: 'household' | 'member' | 'flat'): { sheet: 'household' | 'member'; def: FieldDef } | null {
  const h = normaliseHeader(header);
  if (!h) return null;
  if (sheet === 'member') {
    const m = MEMBER_LOOKUP.get(h);
    if (m) return { sheet: 'member', def: m };
    const d = HOUSEHOLD_LOOKUP.get(h);
    if (d?.key === 'phone') return { sheet: 'member', def: MEMBER_FIELDS.find((f) => f.key === 'memberPhone')! };
    // A roster whose header groups the member columns under 家庭成员情况 is recognised by that lower
    // row, member fields only; the household's columns merged down beside them (行政村, 致贫原因,
    // 银行账号 …) are still the household's. Dropped, they left every household without its village.
    return d ? { sheet: 'household', def: d } : null;
  }
  if (sheet === 'household') {
    const d = HOUSEHOLD_LOOKUP.get(h);
    return d ? { sheet: 'household', def: d } : null;
  }
  // flat: one row per member with the household's columns beside
  const m = MEMBER_LOOKUP.get(h);
  if (m && m.key !== 'headIdNumber') return { sheet: 'member', def: m };
  const d = HOUSEHOLD_LOOKUP.get(h);
  if (d) return { sheet: 'household', def: d };
  return m ? { sheet: 'member', def: m } : null;
}

/** How well a row reads as a header, and what kind of sheet it heads. */
export function classifyHeader(cells: string[]): { score: number; kind: 'household' | 'member' | 'flat' | null } {
  const hs = cells.map(normaliseHeader).filter(Boolean);
  let hh = 0;
  let mem = 0;
  let hhOnly = 0;
  for (const h of hs) {
    const d = HOUSEHOLD_LOOKUP.get(h);
    const m = MEMBER_LOOKUP.get(h);
    if (d) hh++;
    if (m) mem++;
    if (d && !m && !['phone', 'headName'].includes(d.key)) hhOnly++;
  }
  const hasMemberId = hs.some((h) => MEMBER_LOOKUP.get(h)?.key === 'idNumber');
  const hasRelation = hs.some((h) => MEMBER_LOOKUP.get(h)?.key === 'relation');
  // One household-only column is enough to make a roster: a flat sheet of 姓名, 身份证号, 与户主关系
  // and 区划代码 (or 行政村) alone was taken for a members sheet, and its place column dropped.
  if (hasMemberId && (hasRelation || mem >= 3)) return { score: mem + hhOnly, kind: hhOnly >= 1 ? 'flat' : 'member' };
  if (hs.some((h) => HOUSEHOLD_LOOKUP.get(h)?.key === 'headIdNumber') && hh >= 3) return { score: hh, kind: 'household' };
  return { score: Math.max(hh, mem), kind: null };
}
