import { z } from 'zod';
import { pageQuery, paged } from '../../http/common-schemas';
import { positiveFen, textField } from '../schemes/schemas';
import { attachmentIdField } from '../../files/schemas';

const version = z.number({ error: '版本号必须是数字' }).int().min(1);
const id = (label: string) => z.number({ error: `${label}必须是数字` }).int().positive(`${label}必须是正整数`);
const termMonths = z.number({ error: '贷款期限必须是数字（月）' }).int('贷款期限必须是整数个月').min(1, '贷款期限至少 1 个月').max(120, '贷款期限不能超过 120 个月');
const attachments = z
  // attachmentId: a file uploaded to this application (POST /api/files), so only on resubmit
  .array(z.strictObject({ name: textField('附件名称', 100), note: textField('附件说明', 200).optional(), attachmentId: attachmentIdField.optional() }), { error: '附件必须是列表' })
  .max(30, '附件最多 30 个');
export const STAGES = ['village', 'station', 'coop', 'county_office', 'credit_union'] as const;
export const stageSchema = z.enum(STAGES, { error: '环节只能是 village、station、coop、county_office、credit_union 之一' });

const projectFields = {
  projectName: textField('项目名称', 100),
  industry: z.string({ error: '产业必须是文本' }).trim().min(1, '请选择产业'),
  production: z.boolean({ error: '是否生产性贷款必须是 true 或 false' }),
  amountFen: positiveFen('申请金额'),
  termMonths,
  purpose: textField('贷款用途', 500),
  expectedBenefit: textField('预期效益', 500).optional(),
  attachments: attachments.optional(),
};

export const createApplicationBody = z.strictObject({
  householdId: id('农户'),
  borrowerPersonId: id('借款人').optional(),
  ...projectFields,
});
export type CreateApplicationBody = z.infer<typeof createApplicationBody>;

export const createEnterpriseApplicationBody = z.strictObject({
  enterpriseName: textField('企业名称', 100),
  enterpriseCreditCode: z
    .string({ error: '统一社会信用代码必须是文本' })
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, '统一社会信用代码须为 18 位'),
  legalRep: textField('法定代表人', 50),
  areaCode: z.string({ error: '所在区划必须是文本' }).regex(/^(\d{6}|\d{9})$/, '所在区划须为县（6 位）或乡镇（9 位）代码'),
  ...projectFields,
});
export type CreateEnterpriseApplicationBody = z.infer<typeof createEnterpriseApplicationBody>;

export const eligibilityQuery = z.strictObject({
  householdId: z.coerce.number({ error: '农户必须是数字' }).int().positive(),
  borrowerPersonId: z.coerce.number().int().positive().optional(),
  amountFen: z.coerce.number({ error: '申请金额必须是数字（分）' }).int().positive('申请金额必须大于 0'),
  termMonths: z.coerce.number({ error: '贷款期限必须是数字' }).int().min(1),
  production: z.enum(['true', 'false'], { error: '是否生产性贷款只能是 true 或 false' }),
  industry: z.string().trim().min(1, '请选择产业'),
});

export const decideBody = z.strictObject({
  version,
  decision: z.enum(['approve', 'return', 'reject'], { error: '决定只能是 approve（同意）、return（退回补充材料）、reject（不同意）' }),
  opinion: textField('意见', 1000).optional(),
  reasons: z.array(textField('理由', 200)).max(20, '理由最多 20 条').optional(),
});
export type DecideBody = z.infer<typeof decideBody>;

export const resubmitBody = z.strictObject({
  version,
  note: textField('补充说明', 1000),
  projectName: projectFields.projectName.optional(),
  industry: projectFields.industry.optional(),
  production: projectFields.production.optional(),
  amountFen: projectFields.amountFen.optional(),
  termMonths: termMonths.optional(),
  purpose: projectFields.purpose.optional(),
  expectedBenefit: projectFields.expectedBenefit,
  attachments: attachments.optional(),
});
export type ResubmitBody = z.infer<typeof resubmitBody>;

export const withdrawBody = z.strictObject({ version, reason: textField('撤回理由', 500) });
export const quotaDecisionBody = z.strictObject({ documentNo: textField('决定文号', 100), reason: textField('决定理由', 500) });

const check = z.object({ rule: z.string(), article: z.string(), message: z.string() });
export const eligibilitySchema = z.object({
  eligible: z.boolean(),
  failures: z.array(check),
  notes: z.array(check),
  needsCountyApproval: z.boolean(),
  subsidyEligible: z.boolean(),
});

const deadline = z.object({ dueDate: z.string(), workingDaysLeft: z.number(), overdue: z.boolean(), remind: z.boolean() });

export const applicationItem = z.object({
  id: z.number(),
  appNo: z.string(),
  kind: z.enum(['household', 'enterprise']),
  kindLabel: z.string(),
  year: z.number(),
  schemeId: z.number(),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  townshipCode: z.string().nullable(),
  townshipName: z.string().nullable(),
  householdId: z.number().nullable(),
  borrowerName: z.string(),
  projectName: z.string(),
  industry: z.string(),
  industryLabel: z.string(),
  production: z.boolean(),
  amountFen: z.number(),
  termMonths: z.number(),
  status: z.enum(['submitted', 'returned', 'approved', 'rejected', 'withdrawn']),
  /** submitted … written off, across application and loan (Fineract's statuses) */
  lifecycleStatus: z.string(),
  lifecycleLabel: z.string(),
  stage: stageSchema.nullable(),
  stageLabel: z.string().nullable(),
  stageArrivedOn: z.string().nullable(),
  deadline: deadline.nullable(),
  preferential: z.boolean(),
  prefReasons: z.array(z.string()),
  needsCounty: z.boolean(),
  subsidyEligible: z.boolean(),
  overQuota: z.boolean(),
  quotaDecided: z.boolean(),
  loanId: z.number().nullable(),
  version: z.number(),
  submittedOn: z.string(),
  decidedOn: z.string().nullable(),
});
export type ApplicationItem = z.infer<typeof applicationItem>;

export const applicationEvent = z.object({
  id: z.number(),
  at: z.string(),
  onDate: z.string(),
  action: z.string(),
  actionLabel: z.string(),
  stage: z.string().nullable(),
  stageLabel: z.string().nullable(),
  toStatus: z.string().nullable(),
  toStage: z.string().nullable(),
  dueOn: z.string().nullable(),
  opinion: z.string().nullable(),
  reasons: z.array(z.string()),
  actorName: z.string().nullable(),
  actorOrg: z.string().nullable(),
});

export const applicationDetail = applicationItem.extend({
  purpose: z.string(),
  expectedBenefit: z.string().nullable(),
  attachments: z.array(z.object({ name: z.string(), note: z.string().optional(), attachmentId: z.number().optional() })),
  borrowerPersonId: z.number().nullable(),
  enterpriseCreditCode: z.string().nullable(),
  enterpriseLegalRep: z.string().nullable(),
  certificate: z.object({ id: z.number(), certNo: z.string(), creditGrade: z.string().nullable(), validTo: z.string().nullable() }).nullable(),
  eligibility: eligibilitySchema,
  quota: z
    .object({
      quotaFen: z.number(),
      quotaCount: z.number(),
      usedFen: z.number(),
      usedCount: z.number(),
      remainingFen: z.number(),
      remainingCount: z.number(),
      over: z.boolean(),
      message: z.string().nullable(),
      decision: z.object({ documentNo: z.string(), reason: z.string(), decidedByName: z.string().nullable() }).nullable(),
    })
    .nullable(),
  scheme: z.object({ id: z.number(), version: z.number(), name: z.string() }),
  decisionReason: z.string().nullable(),
  events: z.array(applicationEvent),
});

export const listApplicationsQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(['submitted', 'returned', 'approved', 'rejected', 'withdrawn']).optional(),
  stage: stageSchema.optional(),
  kind: z.enum(['household', 'enterprise']).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  areaCode: z.string().regex(/^\d{6,15}$/, '区划代码须为数字').optional(),
  householdId: z.coerce.number().int().positive().optional(),
  keyword: z.string().trim().max(50).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
export const listApplicationsResponse = paged(applicationItem);

export const queueQuery = z.strictObject({
  ...pageQuery,
  stage: z.enum([...STAGES, 'returned'], { error: '环节不正确' }).optional(),
});
export const queueResponse = paged(applicationItem).extend({
  stages: z.array(z.object({ stage: z.string(), label: z.string(), count: z.number(), overdue: z.number() })),
});

export const applicationFieldLabels: Record<string, string> = {
  householdId: '农户',
  borrowerPersonId: '借款人',
  projectName: '项目名称',
  industry: '产业',
  production: '是否生产性贷款',
  amountFen: '申请金额',
  termMonths: '贷款期限',
  purpose: '贷款用途',
  expectedBenefit: '预期效益',
  attachments: '附件',
  enterpriseName: '企业名称',
  enterpriseCreditCode: '统一社会信用代码',
  legalRep: '法定代表人',
  areaCode: '所在区划',
  version: '版本号',
  decision: '决定',
  opinion: '意见',
  reasons: '理由',
  note: '补充说明',
  reason: '理由',
  documentNo: '决定文号',
  stage: '环节',
  status: '状态',
  keyword: '关键字',
};
