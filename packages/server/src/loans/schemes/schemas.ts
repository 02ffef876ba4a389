import { z } from 'zod';
import { DEFAULT_SCHEME } from '../rules';

const int = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label}必须是数字` })
    .int(`${label}必须是整数`)
    .min(min, `${label}不能小于 ${min}`)
    .max(max, `${label}不能大于 ${max}`);

export const yearField = int('年度', 2000, 2100);
export const countyCodeField = z.string({ error: '县级区划代码必须是文本' }).regex(/^\d{6}$/, '县级区划代码须为 6 位数字');
export const townshipCodeField = z.string({ error: '乡镇代码必须是文本' }).regex(/^\d{9}$/, '乡镇代码须为 9 位数字');
export const fenField = (label: string) =>
  z
    .number({ error: `${label}必须是数字（单位：分）` })
    .int(`${label}必须是整数（单位：分）`)
    .min(0, `${label}不能为负数`)
    .max(Number.MAX_SAFE_INTEGER, `${label}过大`);
export const positiveFen = (label: string) => fenField(label).refine((v) => v > 0, `${label}必须大于 0`);
export const textField = (label: string, max = 200) =>
  z
    .string({ error: `${label}必须是文本` })
    .trim()
    .min(1, `${label}不能为空`)
    .max(max, `${label}不能超过 ${max} 个字`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), `${label}不能包含控制字符`);

/** Every figure of 第三、五、七、九条 plus our documented choices; see docs/loans.md. */
const paramShape = {
  subsidyRateBp: int('年贴息率（基点）', 0, 10_000),
  dayCountBasis: z.union([z.literal(360), z.literal(365)], { error: '计息天数基数只能是 360 或 365' }),
  householdCapFen: positiveFen('农户贷款上限'),
  maxTermMonths: int('最长期限（月）', 1, 120),
  eligibleIndustries: z.array(z.string().trim().min(1), { error: '贷款投向必须是产业代码列表' }).min(1, '贷款投向至少选择一个产业'),
  productionOnlySubsidy: z.boolean({ error: '是否仅生产性贷款贴息必须是 true 或 false' }),
  noLabourCategories: z.array(z.string().trim().min(1), { error: '五保/特困类户属性必须是代码列表' }),
  villageReviewDays: int('村委会初审期限（工作日）', 1, 60),
  stationReviewDays: int('工作站审查期限（工作日）', 1, 60),
  coopReviewDays: int('信用社调查决定期限（工作日）', 1, 60),
  countyReviewDays: int('县级审批期限（工作日）', 1, 60),
  reportDay: int('季度报表报送日', 1, 28),
  rewardThresholdBp: int('奖励回收率（基点）', 0, 10_000),
  cutThresholdBp: int('削减回收率（基点）', 0, 10_000),
  quotaAdjustBp: int('指标调整幅度（基点）', 0, 10_000),
  lateRule: z.enum(['forfeit_all', 'forfeit_late_part'], { error: '逾期规则只能是 forfeit_all 或 forfeit_late_part' }),
  remindDays: int('提前提醒（工作日）', 0, 10),
};
export const schemeParamsSchema = z.object(paramShape);

const optionalParams = schemeParamsSchema.partial().shape;

export const createSchemeBody = z.strictObject({
  countyCode: countyCodeField,
  year: yearField,
  name: textField('方案名称', 100),
  documentNo: textField('文号', 100).optional(),
  ...optionalParams,
});
export type CreateSchemeBody = z.infer<typeof createSchemeBody>;

export const reviseSchemeBody = z.strictObject({
  version: int('版本号', 1, 1_000_000),
  changeReason: textField('修订理由', 500),
  name: textField('方案名称', 100).optional(),
  documentNo: textField('文号', 100).optional(),
  ...optionalParams,
});
export type ReviseSchemeBody = z.infer<typeof reviseSchemeBody>;

export const schemeItem = schemeParamsSchema.extend({
  id: z.number(),
  countyCode: z.string(),
  year: z.number(),
  version: z.number(),
  name: z.string(),
  status: z.enum(['active', 'superseded']),
  statusLabel: z.string(),
  documentNo: z.string().nullable(),
  changeReason: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  supersededAt: z.string().nullable(),
  /** 2.58%/年, 20,000.00 元 … for people reading the scheme */
  summary: z.array(z.object({ label: z.string(), value: z.string(), article: z.string() })),
});
export type SchemeItem = z.infer<typeof schemeItem>;

export const listSchemesQuery = z.strictObject({
  countyCode: countyCodeField.optional(),
  year: z.coerce.number().int().min(2000, '年度不能早于 2000').max(2100).optional(),
  includeSuperseded: z.enum(['true', 'false']).optional(),
});
export const currentSchemeQuery = z.strictObject({
  countyCode: countyCodeField,
  year: z.coerce.number({ error: '年度必须是数字' }).int().min(2000).max(2100),
});

// ── quotas ──
export const putQuotaBody = z.strictObject({
  countyCode: countyCodeField,
  year: yearField,
  townshipCode: townshipCodeField,
  amountFen: fenField('计划金额'),
  loanCount: int('计划笔数', 0, 1_000_000),
  documentNo: textField('文号', 100).optional(),
  note: textField('备注', 500).optional(),
  version: int('版本号', 1, 1_000_000).optional(),
});
export type PutQuotaBody = z.infer<typeof putQuotaBody>;

export const quotaItem = z.object({
  id: z.number().nullable(),
  countyCode: z.string(),
  year: z.number(),
  townshipCode: z.string(),
  townshipName: z.string(),
  amountFen: z.number(),
  loanCount: z.number(),
  usedFen: z.number(),
  usedCount: z.number(),
  pendingFen: z.number(),
  pendingCount: z.number(),
  remainingFen: z.number(),
  remainingCount: z.number(),
  usedPercent: z.number().nullable(),
  documentNo: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number().nullable(),
  loanPreconditionMet: z.boolean(),
});
export type QuotaItem = z.infer<typeof quotaItem>;

export const listQuotasQuery = z.strictObject({
  countyCode: countyCodeField,
  year: z.coerce.number({ error: '年度必须是数字' }).int().min(2000).max(2100),
});
export const listQuotasResponse = z.object({
  items: z.array(quotaItem),
  totals: z.object({ amountFen: z.number(), loanCount: z.number(), usedFen: z.number(), usedCount: z.number(), remainingFen: z.number() }),
});

export const quotaDecisionBody = z.strictObject({
  documentNo: textField('决定文号', 100),
  reason: textField('决定理由', 500),
});

export const schemeFieldLabels: Record<string, string> = {
  countyCode: '县级区划代码',
  year: '年度',
  name: '方案名称',
  documentNo: '文号',
  changeReason: '修订理由',
  version: '版本号',
  subsidyRateBp: '年贴息率',
  dayCountBasis: '计息天数基数',
  householdCapFen: '农户贷款上限',
  maxTermMonths: '最长期限',
  eligibleIndustries: '贷款投向',
  productionOnlySubsidy: '仅生产性贷款贴息',
  noLabourCategories: '五保/特困类户属性',
  villageReviewDays: '村委会初审期限',
  stationReviewDays: '工作站审查期限',
  coopReviewDays: '信用社调查决定期限',
  countyReviewDays: '县级审批期限',
  reportDay: '季度报表报送日',
  rewardThresholdBp: '奖励回收率',
  cutThresholdBp: '削减回收率',
  quotaAdjustBp: '指标调整幅度',
  lateRule: '逾期规则',
  remindDays: '提前提醒',
  townshipCode: '乡镇',
  amountFen: '计划金额',
  loanCount: '计划笔数',
  note: '备注',
  reason: '决定理由',
};

export { DEFAULT_SCHEME };
