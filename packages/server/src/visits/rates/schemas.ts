import { z } from 'zod';
import { pageQuery, paged } from '../../http/common-schemas';
import { areaCodeQuery, countyCodeField, idField, monthField } from '../fields';
import { VISIT_KINDS } from '../rules';

const year = z.coerce.number({ error: '年度必须是数字' }).int('年度必须是整数').min(2000, '年度不早于 2000').max(2100, '年度不晚于 2100');

export const ruleItem = z.object({
  countyCode: z.string(),
  year: z.number(),
  isDefault: z.boolean(),
  minVisitsPerMonth: z.number(),
  visitDay: z.number().nullable(),
  countedKinds: z.array(z.enum(VISIT_KINDS)),
  requiredStatuses: z.array(z.string()),
  proratePartialMonth: z.boolean(),
  attendanceMinDays: z.number(),
  reportDueDay: z.number(),
});

export const ruleQuery = z.strictObject({ countyCode: countyCodeField, year });
export const ruleParams = z.strictObject({ countyCode: countyCodeField, year });
export const putRuleBody = z.strictObject({
  minVisitsPerMonth: z.number({ error: '每户每月最少走访次数必须是数字' }).int().min(0, '不能为负').max(31, '不能超过 31'),
  visitDay: z.number({ error: '走贫日必须是数字' }).int().min(1, '走贫日为 1–31').max(31, '走贫日为 1–31').nullable(),
  countedKinds: z
    .array(z.enum(VISIT_KINDS, { error: '走访方式只能是 home、phone、other' }))
    .min(1, '计入走访率的走访方式至少选一种')
    .refine((a) => new Set(a).size === a.length, '计入走访率的走访方式不能重复'),
  requiredStatuses: z.array(z.string().regex(/^[a-z_]{1,32}$/, '户状态代码格式不正确')).min(1, '纳入考核的户状态至少选一种'),
  proratePartialMonth: z.boolean({ error: '不足整月按天折算只能是 true 或 false' }),
  attendanceMinDays: z.number({ error: '每月最少驻村天数必须是数字' }).int().min(0).max(31, '不能超过 31'),
  reportDueDay: z.number({ error: '季度报告截止日必须是数字' }).int().min(1, '截止日为 1–31').max(31, '截止日为 1–31'),
});
export type PutRuleBody = z.infer<typeof putRuleBody>;

export const GROUP_BY = ['county', 'township', 'village', 'unit', 'cadre'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const ratesQuery = z.strictObject({
  month: monthField,
  groupBy: z.enum(GROUP_BY, { error: '统计维度只能是 county、township、village、unit、cadre' }).default('village'),
  areaCode: areaCodeQuery.optional(),
  unitOrgId: idField('帮扶单位').optional(),
  /** only rows below 100 % (the chase list: cadres behind, units behind) */
  behindOnly: z.preprocess((v) => v === 'true' || v === '1' || v === true, z.boolean()).default(false),
});

const totals = {
  required: z.number(),
  met: z.number(),
  missed: z.number(),
  unassigned: z.number(),
  exempt: z.number(),
  rate: z.number().nullable(),
  rateText: z.string(),
};
export const rateRow = z.object({ key: z.string(), name: z.string(), parentName: z.string().nullable(), ...totals });
export type RateRow = z.infer<typeof rateRow>;

export const ratesResponse = z.object({
  month: z.string(),
  groupBy: z.enum(GROUP_BY),
  level: z.enum(['person', 'area']),
  totals: z.object(totals),
  /** households of a required status with no pairing in the month (not in the rate; listed separately) */
  unpaired: z.number(),
  rows: z.array(rateRow),
});

export const householdRateQuery = z.strictObject({
  ...pageQuery,
  month: monthField,
  areaCode: areaCodeQuery.optional(),
  unitOrgId: idField('帮扶单位').optional(),
  cadreId: idField('帮扶干部').optional(),
  outcome: z.enum(['behind', 'missed', 'unassigned', 'met', 'exempt', 'all'], { error: '结果只能是 behind、missed、unassigned、met、exempt、all' }).default('behind'),
});
export const householdRateItem = z.object({
  countyCode: z.string(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  villageName: z.string().nullable(),
  townshipName: z.string().nullable(),
  cadreId: z.number().nullable(),
  cadreName: z.string().nullable(),
  unitName: z.string().nullable(),
  required: z.number(),
  done: z.number(),
  outcome: z.string(),
  outcomeLabel: z.string(),
  reason: z.string().nullable(),
  lastVisitDate: z.string().nullable(),
});
export type HouseholdRateItem = z.infer<typeof householdRateItem>;
export const householdRateResponse = paged(householdRateItem);

export const unpairedQuery = z.strictObject({ ...pageQuery, month: monthField, areaCode: areaCodeQuery.optional() });
export const unpairedResponse = paged(
  z.object({
    countyCode: z.string(),
    householdId: z.number(),
    householdNo: z.string(),
    headName: z.string().nullable(),
    villageName: z.string().nullable(),
    status: z.string(),
  }),
);

export const exportQuery = z.strictObject({ month: monthField, areaCode: areaCodeQuery.optional(), unitOrgId: idField('帮扶单位').optional() });

export const dashboardQuery = z.strictObject({ year: year.optional(), areaCode: areaCodeQuery.optional() });
export const dashboardResponse = z.object({
  year: z.number(),
  month: z.string(),
  counts: z.object({
    pairedHouseholds: z.number(),
    cadres: z.number(),
    unitsOnVillages: z.number(),
    residentMembers: z.number(),
    visitsThisYear: z.number(),
    homeVisitsThisYear: z.number(),
    visitsWithProblems: z.number(),
    tasksOpened: z.number(),
    tasksClosed: z.number(),
    tasksOverdue: z.number(),
    householdsToRepair: z.number(),
  }),
  currentMonth: z.object(totals),
  attendance: z.object({ month: z.string(), members: z.number(), compliant: z.number(), nonCompliant: z.number() }),
  trend: z.array(z.object({ month: z.string(), rate: z.number().nullable(), rateText: z.string(), required: z.number(), met: z.number() })),
});
