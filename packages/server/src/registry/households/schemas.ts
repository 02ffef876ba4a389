import { z } from 'zod';
import { dateSchema, pageQuerySchema, pagedResult, phoneSchema } from '@fupin/shared';

const blank = (v: unknown) => (v === '' ? undefined : v);
const code = (label: string) => z.string({ error: `${label}必须是文本` }).trim().min(1, `${label}不能为空`).max(40, `${label}过长`);
const optCode = (label: string) => code(label).nullable().optional();
const fen = (label: string) => z.number({ error: `${label}必须是数字（分）` }).int(`${label}必须是整数（分）`).min(0, `${label}不能为负数`).max(1e13, `${label}过大`);
const yearField = (label: string) => z.number({ error: `${label}必须是数字` }).int().min(1980, `${label}不早于 1980 年`).max(2100, `${label}不晚于 2100 年`);
const text = (label: string, max: number) => z.string({ error: `${label}必须是文本` }).trim().max(max, `${label}最多 ${max} 个字`);

export const householdFieldLabels: Record<string, string> = {
  areaCode: '所在村（组）',
  householdNo: '户编号',
  address: '家庭住址',
  phone: '联系电话',
  bankName: '开户银行',
  bankAccount: '银行账号',
  category: '贫困户属性',
  identificationStandard: '识别标准',
  identificationYear: '识别年度',
  mainCause: '主要致贫原因',
  secondaryCauses: '次要致贫原因',
  housingSafety: '住房安全等级',
  waterSafe: '饮水安全',
  electricity: '通生活用电',
  foodClothingSecured: '不愁吃穿',
  educationSecured: '义务教育保障',
  medicalSecured: '基本医疗保障',
  incomeYear: '收入年度',
  incomeWagesFen: '工资性收入',
  incomeBusinessFen: '生产经营性净收入',
  incomeTransferFen: '转移性收入',
  incomePropertyFen: '财产性收入',
  netIncomePerCapitaFen: '人均纯收入',
  prefFamilyPlanning: '计生户',
  prefVeteran: '退役军人户',
  members: '家庭成员',
  version: '版本号',
  name: '姓名',
  idKind: '证件类型',
  idNumber: '身份证号码',
  sex: '性别',
  birthDate: '出生日期',
  relation: '与户主关系',
  ethnicity: '民族',
  education: '文化程度',
  schooling: '在校生状况',
  health: '健康状况',
  disabilityGrade: '残疾等级',
  labour: '劳动技能',
  workStatus: '务工状况',
  workMonths: '务工月数',
  civilCapacity: '民事行为能力',
  medicalInsurance: '参加医疗保险',
  pensionInsurance: '参加养老保险',
};

export const memberInput = z.strictObject({
  name: z.string({ error: '姓名必须是文本' }).trim().min(1, '姓名不能为空').max(50, '姓名最多 50 个字'),
  idKind: z.enum(['resident', 'disability_cert'], { error: '证件类型只能是 resident（居民身份证）或 disability_cert（残疾人证）' }).default('resident'),
  idNumber: z.string({ error: '身份证号码必须是文本' }).trim().min(1, '身份证号码不能为空').max(40, '身份证号码过长'),
  sex: z.enum(['M', 'F'], { error: '性别只能是 M（男）或 F（女）' }).optional(),
  birthDate: dateSchema.optional(),
  relation: code('与户主关系'),
  ethnicity: optCode('民族'),
  education: optCode('文化程度'),
  schooling: optCode('在校生状况'),
  health: optCode('健康状况'),
  disabilityGrade: z.number().int().min(1, '残疾等级为 1–4 级').max(4, '残疾等级为 1–4 级').nullable().optional(),
  labour: optCode('劳动技能'),
  workStatus: optCode('务工状况'),
  workMonths: z.number().int().min(0, '务工月数为 0–12').max(12, '务工月数为 0–12').nullable().optional(),
  civilCapacity: z.enum(['full', 'limited', 'none'], { error: '民事行为能力只能是 full、limited 或 none' }).optional(),
  medicalInsurance: z.boolean().nullable().optional(),
  pensionInsurance: z.boolean().nullable().optional(),
  phone: phoneSchema.nullable().optional(),
});
export type MemberInput = z.output<typeof memberInput>;

const householdFields = {
  address: text('家庭住址', 200).nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  bankName: text('开户银行', 100).nullable().optional(),
  bankAccount: z
    .string()
    .transform((s) => s.replace(/[\s\u3000]/g, ''))
    .refine((s) => /^\d{8,30}$/.test(s), '银行账号应为 8–30 位数字')
    .nullable()
    .optional(),
  category: code('贫困户属性').optional(),
  identificationStandard: optCode('识别标准'),
  identificationYear: yearField('识别年度').nullable().optional(),
  mainCause: optCode('主要致贫原因'),
  secondaryCauses: z.array(code('次要致贫原因')).max(2, '次要致贫原因最多 2 项').optional(),
  housingSafety: optCode('住房安全等级'),
  waterSafe: z.boolean().nullable().optional(),
  electricity: z.boolean().nullable().optional(),
  foodClothingSecured: z.boolean().nullable().optional(),
  educationSecured: z.boolean().nullable().optional(),
  medicalSecured: z.boolean().nullable().optional(),
  incomeYear: yearField('收入年度').nullable().optional(),
  incomeWagesFen: fen('工资性收入').optional(),
  // net of production costs: a bad year can be a loss
  incomeBusinessFen: z.number().int('生产经营性净收入必须是整数（分）').min(-1e13).max(1e13).optional(),
  incomeTransferFen: fen('转移性收入').optional(),
  incomePropertyFen: fen('财产性收入').optional(),
  /** when given, must agree with the parts ÷ members (within 1 yuan); the stored value is always computed */
  netIncomePerCapitaFen: z.number().int().optional(),
  prefFamilyPlanning: z.boolean().optional(),
  prefVeteran: z.boolean().optional(),
};

export const createHouseholdBody = z.strictObject({
  areaCode: z.string().trim().regex(/^(\d{12}|\d{15})$/, '所在村（组）须为 12 位村代码或 15 位组代码'),
  householdNo: z.string().trim().regex(/^\d{6,24}$/, '户编号应为 6–24 位数字').optional(),
  ...householdFields,
  members: z.array(memberInput).min(1, '至少登记一名家庭成员（户主）').max(30, '一户最多 30 名成员'),
});
export type CreateHouseholdBody = z.output<typeof createHouseholdBody>;

export const updateHouseholdBody = z.strictObject({
  version: z.number().int().min(1),
  areaCode: z.string().trim().regex(/^(\d{12}|\d{15})$/, '所在村（组）须为 12 位村代码或 15 位组代码').optional(),
  ...householdFields,
});
export type UpdateHouseholdBody = z.output<typeof updateHouseholdBody>;

export const updatePersonBody = memberInput
  .partial()
  .omit({ relation: true })
  .extend({ version: z.number().int().min(1), relation: code('与户主关系').optional() })
  .strict();
export type UpdatePersonBody = z.output<typeof updatePersonBody>;

// ---------------------------------------------------------------------------------------------
// Responses

const nul = <T extends z.ZodType>(t: T) => t.nullable();

export const memberItem = z.object({
  id: z.number(),
  householdId: z.number(),
  name: z.string(),
  sex: z.enum(['M', 'F']),
  sexLabel: z.string(),
  idKind: z.enum(['resident', 'disability_cert']),
  idNumberMasked: z.string(),
  birthDate: z.string(),
  age: z.number(),
  relation: z.string(),
  relationLabel: nul(z.string()),
  ethnicity: nul(z.string()),
  ethnicityLabel: nul(z.string()),
  education: nul(z.string()),
  educationLabel: nul(z.string()),
  schooling: nul(z.string()),
  schoolingLabel: nul(z.string()),
  health: nul(z.string()),
  healthLabel: nul(z.string()),
  disabilityGrade: nul(z.number()),
  disabilityCategory: nul(z.number()),
  labour: nul(z.string()),
  labourLabel: nul(z.string()),
  workStatus: nul(z.string()),
  workStatusLabel: nul(z.string()),
  workMonths: nul(z.number()),
  civilCapacity: z.string(),
  medicalInsurance: nul(z.boolean()),
  pensionInsurance: nul(z.boolean()),
  phoneMasked: nul(z.string()),
  status: z.enum(['active', 'deceased', 'moved_out']),
  statusLabel: z.string(),
  joinedDate: nul(z.string()),
  joinedReason: nul(z.string()),
  leftDate: nul(z.string()),
  leftReason: nul(z.string()),
  leftNote: nul(z.string()),
  version: z.number(),
});
export type MemberItem = z.output<typeof memberItem>;

export const householdItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  householdNo: z.string(),
  areaCode: z.string(),
  villageCode: z.string(),
  villageName: nul(z.string()),
  townshipCode: z.string(),
  townshipName: nul(z.string()),
  groupName: nul(z.string()),
  address: nul(z.string()),
  headName: nul(z.string()),
  headPersonId: nul(z.number()),
  headIdNumberMasked: nul(z.string()),
  phoneMasked: nul(z.string()),
  bankName: nul(z.string()),
  bankAccountMasked: nul(z.string()),
  category: z.string(),
  categoryLabel: nul(z.string()),
  identificationStandard: nul(z.string()),
  identificationStandardLabel: nul(z.string()),
  identificationYear: nul(z.number()),
  mainCause: nul(z.string()),
  mainCauseLabel: nul(z.string()),
  secondaryCauses: z.array(z.string()),
  secondaryCauseLabels: z.array(z.string()),
  housingSafety: nul(z.string()),
  housingSafetyLabel: nul(z.string()),
  waterSafe: nul(z.boolean()),
  electricity: nul(z.boolean()),
  foodClothingSecured: nul(z.boolean()),
  educationSecured: nul(z.boolean()),
  medicalSecured: nul(z.boolean()),
  incomeYear: nul(z.number()),
  incomeWagesFen: z.number(),
  incomeBusinessFen: z.number(),
  incomeTransferFen: z.number(),
  incomePropertyFen: z.number(),
  netIncomeFen: z.number(),
  netIncomePerCapitaFen: z.number(),
  memberCount: z.number(),
  status: z.string(),
  statusLabel: z.string(),
  statusSince: nul(z.string()),
  prefFamilyPlanning: z.boolean(),
  prefVeteran: z.boolean(),
  qualityIssueCount: z.number(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HouseholdItem = z.output<typeof householdItem>;

export const householdWithMembers = householdItem.extend({ members: z.array(memberItem) });

export const STATUS_VALUES = ['candidate', 'identified', 'exited', 'returned', 'monitored', 'cancelled'] as const;
const statusList = z.preprocess(
  (v) => (v === '' || v == null ? undefined : typeof v === 'string' ? v.split(',').filter(Boolean) : v),
  z.array(z.enum(STATUS_VALUES, { error: `状态只能是 ${STATUS_VALUES.join('、')}` })).optional(),
);
const optQ = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());
const area = (label: string, len: number) => optQ(z.string().regex(new RegExp(`^\\d{${len}}$`), `${label}代码应为 ${len} 位数字`));
const boolQ = z.preprocess((v) => (v === '' || v == null ? undefined : v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean({ error: '只能是 true 或 false' }).optional());

export const householdFilters = {
  countyCode: area('县', 6),
  townshipCode: area('乡镇', 9),
  villageCode: area('村', 12),
  areaCode: optQ(z.string().regex(/^\d{6,15}$/, '区划代码应为数字')),
  status: statusList,
  category: optQ(code('贫困户属性')),
  cause: optQ(code('致贫原因')),
  health: optQ(code('健康状况')),
  labour: optQ(code('劳动技能')),
  keyword: optQ(z.string().trim().max(50, '关键字最多 50 个字')),
  idNumber: optQ(z.string().trim().max(40, '身份证号码过长')),
  hasIssues: boolQ,
};

export const listHouseholdsQuery = pageQuerySchema.extend({
  ...householdFilters,
  sort: optQ(z.enum(['name', 'householdNo', 'memberCount', 'netIncomePerCapita', 'updatedAt', 'status'], { error: '排序字段只能是 name、householdNo、memberCount、netIncomePerCapita、updatedAt、status' })),
});
export type ListHouseholdsQuery = z.output<typeof listHouseholdsQuery>;
export type HouseholdFilters = Omit<ListHouseholdsQuery, 'page' | 'pageSize' | 'sort' | 'order'>;

export const statusCountsSchema = z.record(z.string(), z.number());
export const listHouseholdsResponse = pagedResult(householdItem).extend({ statusCounts: statusCountsSchema });

export const listPersonsQuery = pageQuerySchema.extend({
  countyCode: area('县', 6),
  townshipCode: area('乡镇', 9),
  villageCode: area('村', 12),
  name: optQ(z.string().trim().max(50)),
  idNumber: optQ(z.string().trim().max(40)),
  sex: optQ(z.enum(['M', 'F'])),
  relation: optQ(code('与户主关系')),
  health: optQ(code('健康状况')),
  labour: optQ(code('劳动技能')),
  schooling: optQ(code('在校生状况')),
  status: optQ(z.enum(['active', 'deceased', 'moved_out', 'all'])),
  householdStatus: statusList,
  ageMin: optQ(z.coerce.number().int().min(0).max(150)),
  ageMax: optQ(z.coerce.number().int().min(0).max(150)),
  sort: optQ(z.enum(['name', 'birthDate', 'householdNo'])),
});
export type ListPersonsQuery = z.output<typeof listPersonsQuery>;
export const personListItem = memberItem.extend({
  householdNo: z.string(),
  householdStatus: z.string(),
  householdStatusLabel: z.string(),
  headName: nul(z.string()),
  villageName: nul(z.string()),
  townshipName: nul(z.string()),
});
export const listPersonsResponse = pagedResult(personListItem);

export const revealPersonResponse = z.object({ idNumber: z.string(), phone: z.string().nullable() });
export const revealHouseholdResponse = z.object({ phone: z.string().nullable(), bankAccount: z.string().nullable(), headIdNumber: z.string().nullable() });

export const idParam = z.strictObject({ id: z.coerce.number().int().positive('编号必须是正整数') });
