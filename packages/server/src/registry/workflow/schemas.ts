import { z } from 'zod';
import { dateSchema, pageQuerySchema, pagedResult } from '@fupin/shared';
import { attachmentIdField } from '../../files/schemas';

export const WORKFLOW_KINDS = ['identification', 'exit', 'return', 'cancellation', 'monitoring'] as const;
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number];
export const KIND_LABELS: Record<WorkflowKind, string> = {
  identification: '贫困户识别',
  exit: '脱贫退出',
  return: '返贫',
  cancellation: '注销',
  monitoring: '纳入监测',
};
export const WORKFLOW_STATES = ['appraisal', 'notice', 'township_review', 'county_approval', 'announcement', 'done', 'rejected', 'withdrawn'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];
export const STATE_LABELS: Record<WorkflowState, string> = {
  appraisal: '待村级民主评议',
  notice: '村级公示中',
  township_review: '待乡镇审核',
  county_approval: '待县级审批',
  announcement: '待公告',
  done: '已完成',
  rejected: '未通过',
  withdrawn: '已撤回',
};
export const ORIGINS = ['application', 'cadre_check', 'department_data'] as const;
export const ORIGIN_LABELS: Record<(typeof ORIGINS)[number], string> = { application: '农户申请', cadre_check: '干部排查', department_data: '部门预警' };
export const CANCEL_REASONS = ['misidentified', 'all_deceased', 'moved_away', 'merged', 'other'] as const;
export const CANCEL_REASON_LABELS: Record<(typeof CANCEL_REASONS)[number], string> = {
  misidentified: '识别不精准',
  all_deceased: '整户死亡',
  moved_away: '整户迁出',
  merged: '并户',
  other: '其他',
};

const opinion = z.string().trim().max(1000, '意见最多 1000 个字');
export const evidenceItem = z.strictObject({
  name: z.string().trim().min(1, '材料名称不能为空').max(200),
  ref: z.string().trim().max(500).optional(),
  /** an uploaded file of this workflow (POST /api/files) */
  attachmentId: attachmentIdField.optional(),
});
const evidence = z.array(evidenceItem).max(50, '最多 50 份材料').default([]);
const version = z.number({ error: '版本号必须是数字' }).int().min(1);

export const workflowFieldLabels: Record<string, string> = {
  householdId: '农户',
  kind: '类型',
  origin: '来源',
  reason: '原因',
  cancelReason: '注销原因',
  date: '日期',
  opinion: '意见',
  evidence: '佐证材料',
  householdAgreed: '农户认可',
  decision: '结论',
  startDate: '公示开始日期',
  days: '公示天数',
  raisedOn: '异议提出日期',
  raisedBy: '异议人',
  content: '异议内容',
  resolution: '处理结果',
  documentNo: '文号',
  participants: '参会人数',
  votesFor: '同意票',
  votesAgainst: '反对票',
  version: '版本号',
};

export const startWorkflowBody = z.strictObject({
  householdId: z.number().int().positive(),
  kind: z.enum(WORKFLOW_KINDS, { error: `类型只能是 ${WORKFLOW_KINDS.join('、')}` }),
  origin: z.enum(ORIGINS, { error: `来源只能是 ${ORIGINS.join('、')}` }).default('application'),
  reason: z.string().trim().max(1000).optional(),
  cancelReason: z.enum(CANCEL_REASONS, { error: `注销原因只能是 ${CANCEL_REASONS.join('、')}` }).optional(),
  date: dateSchema.optional(),
  opinion: opinion.optional(),
  evidence,
  /** 脱贫退出须经农户认可 */
  householdAgreed: z.boolean().optional(),
});
export type StartWorkflowBody = z.output<typeof startWorkflowBody>;

export const appraiseBody = z.strictObject({
  version,
  decision: z.enum(['pass', 'reject'], { error: '结论只能是 pass（通过）或 reject（不通过）' }),
  date: dateSchema,
  opinion: opinion.optional(),
  participants: z.number().int().min(1).max(10000).optional(),
  votesFor: z.number().int().min(0).optional(),
  votesAgainst: z.number().int().min(0).optional(),
  evidence,
});
export const noticeBody = z.strictObject({
  version,
  startDate: dateSchema,
  days: z.number().int().min(1).max(60, '公示天数最多 60 天').optional(),
  opinion: opinion.optional(),
  evidence,
});
export const objectionBody = z.strictObject({
  raisedOn: dateSchema,
  raisedBy: z.string().trim().max(50).optional(),
  content: z.string().trim().min(1, '异议内容不能为空').max(2000),
});
export const resolveObjectionBody = z.strictObject({
  version,
  decision: z.enum(['upheld', 'dismissed'], { error: '结论只能是 upheld（异议成立）或 dismissed（异议不成立）' }),
  resolution: z.string().trim().min(1, '处理结果不能为空').max(2000),
  date: dateSchema,
});
export const decideBody = z.strictObject({
  version,
  decision: z.enum(['pass', 'return', 'reject'], { error: '结论只能是 pass（通过）、return（退回）或 reject（不通过）' }),
  date: dateSchema,
  opinion: opinion.optional(),
  evidence,
});
export const announceBody = z.strictObject({
  version,
  date: dateSchema,
  documentNo: z.string().trim().max(100).optional(),
  opinion: opinion.optional(),
  evidence,
});
export const withdrawBody = z.strictObject({ version, reason: z.string().trim().min(1, '撤回原因不能为空').max(1000) });

export const stepItem = z.object({
  id: z.number(),
  step: z.string(),
  stepLabel: z.string(),
  decision: z.string().nullable(),
  date: z.string(),
  opinion: z.string().nullable(),
  evidence: z.array(z.object({ name: z.string(), ref: z.string().optional(), attachmentId: z.number().optional() })),
  data: z.record(z.string(), z.unknown()),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});
export const objectionItem = z.object({
  id: z.number(),
  raisedOn: z.string(),
  raisedBy: z.string().nullable(),
  content: z.string(),
  status: z.enum(['open', 'upheld', 'dismissed']),
  resolution: z.string().nullable(),
  resolvedOn: z.string().nullable(),
  resolvedByName: z.string().nullable(),
  recordedByName: z.string().nullable(),
  version: z.number(),
});
export const exitVerdictSchema = z.object({
  eligible: z.boolean(),
  summary: z.string(),
  criteria: z.array(z.object({ code: z.string(), label: z.string(), ok: z.boolean(), message: z.string() })),
  lineFen: z.number().nullable(),
  year: z.number().nullable(),
  /** the household's per-capita income and size that were judged (absent in verdicts stored before they were kept) */
  perCapitaFen: z.number().optional(),
  memberCount: z.number().optional(),
});
export const workflowItem = z.object({
  id: z.number(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  townshipName: z.string().nullable(),
  kind: z.enum(WORKFLOW_KINDS),
  kindLabel: z.string(),
  state: z.enum(WORKFLOW_STATES),
  stateLabel: z.string(),
  fromStatus: z.string(),
  toStatus: z.string(),
  origin: z.string().nullable(),
  reason: z.string().nullable(),
  startedOn: z.string(),
  startedByName: z.string().nullable(),
  noticeDays: z.number().nullable(),
  noticeStart: z.string().nullable(),
  noticeEnd: z.string().nullable(),
  dueDate: z.string().nullable(),
  /** 纳入监测: first clue + 15 working days to county approval; every step's dueDate is capped by it */
  overallDueDate: z.string().nullable(),
  overallOverdue: z.boolean(),
  overdue: z.boolean(),
  workingDaysLeft: z.number().nullable(),
  openObjections: z.number(),
  version: z.number(),
});
export const workflowDetail = workflowItem.extend({
  exitCheck: exitVerdictSchema.nullable(),
  steps: z.array(stepItem),
  objections: z.array(objectionItem),
});

export const listWorkflowsQuery = pageQuerySchema.extend({
  kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(WORKFLOW_KINDS).optional()),
  state: z.preprocess(
    (v) => (v === '' || v == null ? undefined : typeof v === 'string' ? v.split(',').filter(Boolean) : v),
    z.array(z.enum([...WORKFLOW_STATES, 'open'] as const)).optional(),
  ),
  townshipCode: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{9}$/).optional()),
  villageCode: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{12}$/).optional()),
  householdId: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  overdue: z.preprocess((v) => (v === '' || v == null ? undefined : v === 'true' || v === '1'), z.boolean().optional()),
});
export type ListWorkflowsQuery = z.output<typeof listWorkflowsQuery>;
export const listWorkflowsResponse = pagedResult(workflowItem).extend({ stateCounts: z.record(z.string(), z.number()) });

export const noticePrint = z.object({
  title: z.string(),
  kind: z.enum(WORKFLOW_KINDS),
  kindLabel: z.string(),
  countyName: z.string().nullable(),
  townshipName: z.string().nullable(),
  villageName: z.string().nullable(),
  noticeStart: z.string().nullable(),
  noticeEnd: z.string().nullable(),
  noticeDays: z.number().nullable(),
  body: z.string(),
  columns: z.array(z.object({ key: z.string(), title: z.string() })),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  issuer: z.string(),
  date: z.string(),
});
export const noticePrintQuery = z.strictObject({
  villageCode: z.string().regex(/^\d{12}$/, '村代码应为 12 位数字'),
  kind: z.enum(WORKFLOW_KINDS),
  startDate: dateSchema.optional(),
});

export const povertyLineItem = z.object({ provinceCode: z.string(), year: z.number(), lineFen: z.number(), note: z.string().nullable() });
/**
 * `provinceCode` is where the line applies: 000000 national default, XX0000 a province, or a
 * county's 6-digit code for the county's own line (the column kept its first name).
 */
export const povertyLineParams = z.strictObject({
  provinceCode: z.string().regex(/^\d{6}$/, '适用范围应为 6 位代码：000000 为全国默认，后四位为 0000 为省级，其他为县级'),
  year: z.coerce.number().int().min(2000).max(2100),
});
export const povertyLineBody = z.strictObject({ lineFen: z.number().int().positive('贫困线必须大于 0'), note: z.string().trim().max(200).optional() });
