import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../../http/common-schemas';
import { positiveFen, fenField, textField } from '../schemes/schemas';

const version = z.number({ error: '版本号必须是数字' }).int().min(1);

export const disburseBody = z.strictObject({
  version,
  contractNo: textField('合同编号', 50),
  contractDate: dateSchema,
  disbursedOn: dateSchema,
  principalFen: positiveFen('放款金额').optional(),
  termMonths: z.number({ error: '贷款期限必须是数字' }).int().min(1, '贷款期限至少 1 个月').max(120).optional(),
  coopRateBp: z.number({ error: '贷款年利率必须是数字（基点）' }).int('贷款年利率须为整数基点').min(0).max(10_000, '贷款年利率不能超过 100%'),
  schedule: z.enum(['bullet', 'instalments'], { error: '还款方式只能是 bullet（到期一次还本）或 instalments（分期）' }),
  instalmentCount: z.number({ error: '期数必须是数字' }).int().min(2, '分期至少 2 期').max(120).optional(),
  instalments: z
    .array(z.strictObject({ dueDate: dateSchema, principalFen: positiveFen('每期本金') }), { error: '还款计划必须是列表' })
    .min(2, '分期至少 2 期')
    .max(120)
    .optional(),
});
export type DisburseBody = z.infer<typeof disburseBody>;

export const repaymentBody = z.strictObject({
  version: version.optional(),
  paidOn: dateSchema,
  principalFen: positiveFen('还款本金'),
  interestFen: fenField('利息').optional(),
  receiptNo: textField('收据编号', 50).optional(),
  note: textField('备注', 500).optional(),
});
export type RepaymentBody = z.infer<typeof repaymentBody>;

export const reverseBody = z.strictObject({ reason: textField('冲销理由', 500) });
export const writeOffBody = z.strictObject({ version, reason: textField('核销理由', 500) });
export const repaymentParams = z.strictObject({
  id: z.coerce.number().int().positive({ message: '编号必须是正整数' }),
  repaymentId: z.coerce.number().int().positive({ message: '还款编号必须是正整数' }),
});

export const LOAN_LIFECYCLE = ['active', 'overdue', 'closed_on_time', 'closed_late', 'written_off'] as const;
export const BUCKETS = ['1-30', '31-90', '91-180', '180+'] as const;

const subsidyLine = z.object({ principalFen: z.number(), startDate: z.string(), endDate: z.string(), days: z.number(), fen: z.number(), formula: z.string() });
export const subsidyView = z.object({
  status: z.enum(['not_applicable', 'pending', 'earned', 'forfeited', 'paid', 'settled', 'reimbursed']),
  statusLabel: z.string(),
  payer: z.enum(['coop', 'finance_bureau']),
  payerLabel: z.string(),
  rateBp: z.number(),
  dayCountBasis: z.number(),
  amountFen: z.number(),
  lines: z.array(subsidyLine),
  formula: z.string(),
  reason: z.string(),
  determinedOn: z.string().nullable(),
  version: z.number(),
});

export const loanItem = z.object({
  id: z.number(),
  loanNo: z.string(),
  applicationId: z.number().nullable(),
  kind: z.enum(['household', 'enterprise']),
  year: z.number(),
  schemeId: z.number().nullable(),
  /** imported = 历史贷款 (made before the system; no application, no subsidy here) */
  origin: z.enum(['system', 'imported']),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  townshipCode: z.string().nullable(),
  townshipName: z.string().nullable(),
  householdId: z.number().nullable(),
  borrowerName: z.string(),
  industry: z.string(),
  industryLabel: z.string(),
  production: z.boolean(),
  principalFen: z.number(),
  coopRateBp: z.number(),
  termMonths: z.number(),
  contractNo: z.string(),
  contractDate: z.string(),
  disbursedOn: z.string(),
  maturityDate: z.string(),
  scheduleKind: z.enum(['bullet', 'instalments']),
  status: z.enum(['active', 'closed_on_time', 'closed_late', 'written_off']),
  lifecycleStatus: z.enum(LOAN_LIFECYCLE),
  lifecycleLabel: z.string(),
  repaidFen: z.number(),
  outstandingFen: z.number(),
  daysOverdue: z.number(),
  ageingBucket: z.enum(BUCKETS).nullable(),
  closedOn: z.string().nullable(),
  subsidyStatus: z.string(),
  subsidyFen: z.number(),
  version: z.number(),
});

export const loanDetail = loanItem.extend({
  lenderOrgName: z.string().nullable(),
  writeOffReason: z.string().nullable(),
  instalments: z.array(
    z.object({ seq: z.number(), dueDate: z.string(), graceDate: z.string(), principalFen: z.number(), paidFen: z.number(), paidOffOn: z.string().nullable(), late: z.boolean() }),
  ),
  repayments: z.array(
    z.object({
      id: z.number(),
      paidOn: z.string(),
      principalFen: z.number(),
      interestFen: z.number(),
      receiptNo: z.string().nullable(),
      note: z.string().nullable(),
      reversalOf: z.number().nullable(),
      reversed: z.boolean(),
      createdByName: z.string().nullable(),
    }),
  ),
  subsidy: subsidyView,
  subsidyEvents: z.array(z.object({ at: z.string(), onDate: z.string(), event: z.string(), eventLabel: z.string(), amountFen: z.number(), document: z.string().nullable(), note: z.string().nullable(), actorName: z.string().nullable() })),
});

export const listLoansQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(LOAN_LIFECYCLE).optional(),
  kind: z.enum(['household', 'enterprise']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  areaCode: z.string().regex(/^\d{6,15}$/, '区划代码须为数字').optional(),
  householdId: z.coerce.number().int().positive().optional(),
  bucket: z.enum(BUCKETS).optional(),
  keyword: z.string().trim().max(50).optional(),
});
export const listLoansResponse = paged(loanItem);

export const ageingQuery = z.strictObject({
  areaCode: z.string().regex(/^\d{6,15}$/, '区划代码须为数字').optional(),
  asOf: dateSchema.optional(),
});
export const ageingResponse = z.object({
  asOf: z.string(),
  outstandingFen: z.number(),
  activeCount: z.number(),
  buckets: z.array(z.object({ bucket: z.enum(BUCKETS), label: z.string(), count: z.number(), outstandingFen: z.number() })),
  overdueFen: z.number(),
  /** portfolio at risk: overdue outstanding ÷ all outstanding, 0.01% truncated */
  parPercent: z.number().nullable(),
});

export const lendingFieldLabels: Record<string, string> = {
  version: '版本号',
  contractNo: '合同编号',
  contractDate: '合同日期',
  disbursedOn: '放款日期',
  principalFen: '金额',
  termMonths: '贷款期限',
  coopRateBp: '贷款年利率',
  schedule: '还款方式',
  instalmentCount: '期数',
  instalments: '还款计划',
  dueDate: '到期日',
  paidOn: '还款日期',
  interestFen: '利息',
  receiptNo: '收据编号',
  note: '备注',
  reason: '理由',
  status: '状态',
  bucket: '逾期账龄',
  asOf: '统计日期',
  areaCode: '区划',
  keyword: '关键字',
};
