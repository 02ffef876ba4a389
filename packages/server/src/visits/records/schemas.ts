import { z } from 'zod';
import { phoneSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../../http/common-schemas';
import { areaCodeQuery, boolQuery, dateField, idField, requiredText, textField, versionField } from '../fields';
import { VISIT_KINDS } from '../rules';

/** Visits per upload: a phone's queue is sent in several batches. */
export const MAX_BATCH = 200;

export const INCOME_CHANGES = ['up', 'same', 'down'] as const;
export const SATISFACTION = ['very_satisfied', 'satisfied', 'basically', 'unsatisfied'] as const;
export const SATISFACTION_LABELS: Record<(typeof SATISFACTION)[number], string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically: '基本满意',
  unsatisfied: '不满意',
};
export const TASK_CATEGORIES = ['food', 'clothing', 'schooling', 'medical', 'housing', 'water', 'income', 'other'] as const;
export const TASK_CATEGORY_LABELS: Record<(typeof TASK_CATEGORIES)[number], string> = {
  food: '吃',
  clothing: '穿',
  schooling: '义务教育',
  medical: '基本医疗',
  housing: '住房安全',
  water: '饮水安全',
  income: '收入',
  other: '其他',
};

const check = (label: string) => z.boolean({ error: `${label}：只能是 true（有保障）、false（有问题）或 null（未核查）` }).nullish();

export const checksSchema = z.strictObject({
  food: check('吃'),
  clothing: check('穿'),
  schooling: check('义务教育'),
  medical: check('基本医疗'),
  housing: check('住房安全'),
  water: check('饮水安全'),
});

export const gpsSchema = z.strictObject({
  lat: z.number({ error: '纬度必须是数字' }).min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间'),
  lng: z.number({ error: '经度必须是数字' }).min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间'),
  accuracyM: z.number({ error: '定位精度必须是数字' }).min(0, '定位精度不能为负').max(100000, '定位精度过大').nullish(),
});

const uuid = (label: string) => z.string({ error: `${label}必须是文本` }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, `${label}须为 UUID（由手机或网页生成）`);
export const clientIdField = uuid('客户端编号');

/** What the cadre records; the same shape comes from the web form and from the phone's queue. */
const visitContent = {
  kind: z.enum(VISIT_KINDS, { error: '走访方式只能是 home（入户）、phone（电话）、other（其他）' }),
  checks: checksSchema.optional(),
  incomeChange: z.enum(INCOME_CHANGES, { error: '收入变化只能是 up、same、down' }).nullish(),
  incomeNote: textField('收入情况说明', 500).nullish(),
  problems: textField('发现的问题', 2000).nullish(),
  helpGiven: textField('帮扶措施', 2000).nullish(),
  policiesExplained: textField('宣讲政策', 1000).nullish(),
  satisfaction: z.enum(SATISFACTION, { error: '满意度只能是 very_satisfied、satisfied、basically、unsatisfied' }).nullish(),
  gps: gpsSchema.nullish(),
};

export const visitInput = z.strictObject({
  clientId: clientIdField,
  householdId: idField('农户'),
  /** omitted: the caller's own cadre record, or (for a village clerk) the cadre paired on the date */
  cadreId: idField('帮扶干部').optional(),
  visitDate: dateField('走访日期'),
  ...visitContent,
  /** the household version of the copy the visit was recorded against (offline phones) */
  householdVersion: z.number({ error: '农户版本号必须是数字' }).int().positive().optional(),
  /** what the cadre found changed: applied only when the household did not change meanwhile */
  householdChanges: z.strictObject({ phone: phoneSchema.optional() }).optional(),
  clientRecordedAt: z.iso.datetime({ error: '手机记录时间须为 ISO 8601 时间', offset: true }).optional(),
});
export type VisitInput = z.infer<typeof visitInput>;

export const updateVisitBody = z.strictObject({
  version: versionField,
  visitDate: dateField('走访日期').optional(),
  kind: visitContent.kind.optional(),
  checks: visitContent.checks,
  incomeChange: visitContent.incomeChange,
  incomeNote: visitContent.incomeNote,
  problems: visitContent.problems,
  helpGiven: visitContent.helpGiven,
  policiesExplained: visitContent.policiesExplained,
  satisfaction: visitContent.satisfaction,
});
export type UpdateVisitBody = z.infer<typeof updateVisitBody>;

export const photoItem = z.object({
  id: z.number(),
  clientId: z.string(),
  mime: z.string(),
  sizeBytes: z.number(),
  url: z.string(),
});

export const visitItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  clientId: z.string(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  cadreId: z.number(),
  cadreName: z.string(),
  unitName: z.string(),
  visitDate: z.string(),
  kind: z.enum(VISIT_KINDS),
  kindLabel: z.string(),
  checks: z.object({
    food: z.boolean().nullable(),
    clothing: z.boolean().nullable(),
    schooling: z.boolean().nullable(),
    medical: z.boolean().nullable(),
    housing: z.boolean().nullable(),
    water: z.boolean().nullable(),
  }),
  incomeChange: z.enum(INCOME_CHANGES).nullable(),
  incomeNote: z.string().nullable(),
  problems: z.string().nullable(),
  helpGiven: z.string().nullable(),
  policiesExplained: z.string().nullable(),
  satisfaction: z.enum(SATISFACTION).nullable(),
  satisfactionLabel: z.string().nullable(),
  gps: z.object({ lat: z.number(), lng: z.number(), accuracyM: z.number().nullable() }).nullable(),
  source: z.enum(['web', 'sync']),
  householdConflict: z.boolean(),
  changesStatus: z.enum(['applied', 'conflict', 'dismissed']).nullable(),
  photos: z.array(photoItem),
  version: z.number(),
  createdAt: z.string(),
});
export type VisitItem = z.infer<typeof visitItem>;

export const listVisitsQuery = z.strictObject({
  ...pageQuery,
  householdId: idField('农户').optional(),
  cadreId: idField('帮扶干部').optional(),
  unitOrgId: idField('帮扶单位').optional(),
  areaCode: areaCodeQuery.optional(),
  from: dateField('开始日期').optional(),
  to: dateField('结束日期').optional(),
  kind: z.enum(VISIT_KINDS, { error: '走访方式只能是 home、phone、other' }).optional(),
  withProblems: boolQuery('仅有问题的走访').optional(),
});
export const listVisitsResponse = paged(visitItem);

/** The verdict for one visit of a batch: each visit stands or falls alone. */
export const visitResult = z.object({
  clientId: z.string().nullable(),
  status: z.enum(['created', 'duplicate', 'conflict', 'rejected']),
  visitId: z.number().nullable(),
  version: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** on conflict: the household as it is now on the server */
  household: z
    .object({ id: z.number(), version: z.number(), headName: z.string().nullable(), phone: z.string().nullable(), address: z.string().nullable() })
    .nullable(),
});
export type VisitResult = z.infer<typeof visitResult>;

export const createVisitResponse = z.object({ result: visitResult, visit: visitItem.nullable() });

// ---- 问题整改 ----
export const taskItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  villageName: z.string().nullable(),
  visitId: z.number().nullable(),
  problem: z.string(),
  category: z.enum(TASK_CATEGORIES),
  categoryLabel: z.string(),
  ownerCadreId: z.number().nullable(),
  ownerCadreName: z.string().nullable(),
  ownerUserId: z.number().nullable(),
  ownerUserName: z.string().nullable(),
  deadline: z.string(),
  status: z.enum(['open', 'closed']),
  overdue: z.boolean(),
  daysLeft: z.number().nullable(),
  evidence: z.string().nullable(),
  evidenceVisitId: z.number().nullable(),
  closedOn: z.string().nullable(),
  version: z.number(),
});
export type TaskItem = z.infer<typeof taskItem>;

export const listTasksQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(['open', 'closed'], { error: '状态只能是 open 或 closed' }).optional(),
  householdId: idField('农户').optional(),
  ownerCadreId: idField('责任干部').optional(),
  areaCode: areaCodeQuery.optional(),
  overdue: boolQuery('仅逾期').optional(),
});
export const listTasksResponse = paged(taskItem);

export const createTaskBody = z.strictObject({
  householdId: idField('农户'),
  visitId: idField('来源走访').optional(),
  problem: requiredText('问题', 500),
  category: z.enum(TASK_CATEGORIES, { error: '问题类别不正确' }).default('other'),
  ownerCadreId: idField('责任干部').optional(),
  ownerUserId: idField('责任人账号').optional(),
  deadline: dateField('整改期限'),
});
export type CreateTaskBody = z.infer<typeof createTaskBody>;

export const closeTaskBody = z.strictObject({
  version: versionField,
  evidence: requiredText('整改佐证', 1000),
  evidenceVisitId: idField('佐证走访').optional(),
  closedOn: dateField('销号日期').optional(),
});
export type CloseTaskBody = z.infer<typeof closeTaskBody>;

export const photoParams = z.strictObject({ clientId: clientIdField });
export const photoQuery = z.strictObject({ visitClientId: uuid('走访客户端编号'), householdId: idField('农户') });
