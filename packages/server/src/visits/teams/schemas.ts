import { z } from 'zod';
import { pageQuery, paged } from '../../http/common-schemas';
import { areaCodeQuery, boolQuery, dateField, idField, monthField, requiredText, textField, versionField } from '../fields';
import { ATTENDANCE_STATUSES } from '../rules';

export const MEMBER_ROLES = ['first_secretary', 'leader', 'member'] as const;
export const MEMBER_ROLE_LABELS: Record<(typeof MEMBER_ROLES)[number], string> = {
  first_secretary: '第一书记',
  leader: '工作队队长',
  member: '工作队队员',
};

export const memberItem = z.object({
  id: z.number(),
  teamId: z.number(),
  cadreId: z.number(),
  cadreName: z.string(),
  unitName: z.string(),
  role: z.enum(MEMBER_ROLES),
  roleLabel: z.string(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type MemberItem = z.infer<typeof memberItem>;

export const teamItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  townshipName: z.string().nullable(),
  name: z.string(),
  sentByOrgId: z.number().nullable(),
  sentByName: z.string().nullable(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  endReason: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number(),
  members: z.array(memberItem),
});
export type TeamItem = z.infer<typeof teamItem>;

export const listTeamsQuery = z.strictObject({
  ...pageQuery,
  areaCode: areaCodeQuery.optional(),
  current: boolQuery('仅当前').default(true),
});
export const listTeamsResponse = paged(teamItem);

export const createTeamBody = z.strictObject({
  villageCode: z.string({ error: '村代码必须是文本' }).regex(/^\d{12}$/, '村代码须为 12 位数字'),
  name: requiredText('工作队名称', 60),
  sentByOrgId: idField('派出单位').nullish(),
  startDate: dateField('任期开始日期'),
  note: textField('备注', 200).nullish(),
});
export type CreateTeamBody = z.infer<typeof createTeamBody>;

export const updateTeamBody = z.strictObject({
  version: versionField,
  name: requiredText('工作队名称', 60).optional(),
  sentByOrgId: idField('派出单位').nullable().optional(),
  note: textField('备注', 200).nullable().optional(),
});
export type UpdateTeamBody = z.infer<typeof updateTeamBody>;

export const addMemberBody = z.strictObject({
  cadreId: idField('帮扶干部'),
  role: z.enum(MEMBER_ROLES, { error: '队内职务只能是 first_secretary（第一书记）、leader（队长）、member（队员）' }),
  startDate: dateField('任期开始日期'),
});
export type AddMemberBody = z.infer<typeof addMemberBody>;

// ---- 考勤 ----
export const attendanceDay = z.strictObject({
  date: dateField('日期'),
  status: z.enum(ATTENDANCE_STATUSES, { error: '考勤状态只能是 in_village（在村）、official（因公外出）、leave（请假）、absent（缺勤）' }),
  note: textField('备注', 100).nullish(),
});

export const putAttendanceBody = z.strictObject({ days: z.array(attendanceDay).max(31, '一个月最多 31 天') });
export type PutAttendanceBody = z.infer<typeof putAttendanceBody>;
export const memberMonthParams = z.strictObject({ id: idField('队员'), month: monthField });

export const attendanceItem = z.object({
  memberId: z.number(),
  teamId: z.number(),
  teamName: z.string(),
  villageName: z.string(),
  cadreId: z.number(),
  cadreName: z.string(),
  role: z.enum(MEMBER_ROLES),
  roleLabel: z.string(),
  termDays: z.number(),
  required: z.number(),
  present: z.number(),
  compliant: z.boolean().nullable(),
  days: z.array(z.object({ date: z.string(), status: z.enum(ATTENDANCE_STATUSES), note: z.string().nullable() })),
});
export const attendanceQuery = z.strictObject({ month: monthField, areaCode: areaCodeQuery.optional(), teamId: idField('工作队').optional() });
export const attendanceResponse = z.object({
  month: z.string(),
  minDays: z.number(),
  items: z.array(attendanceItem),
  summary: z.object({ members: z.number(), compliant: z.number(), nonCompliant: z.number() }),
});

// ---- 季度工作报告 ----
export const reportsQuery = z.strictObject({
  year: z.coerce.number({ error: '年度必须是数字' }).int().min(2000, '年度不早于 2000').max(2100, '年度不晚于 2100'),
  quarter: z.coerce.number({ error: '季度必须是数字' }).int().min(1, '季度为 1–4').max(4, '季度为 1–4'),
  areaCode: areaCodeQuery.optional(),
});
export const reportItem = z.object({
  memberId: z.number(),
  teamName: z.string(),
  villageName: z.string(),
  cadreName: z.string(),
  role: z.enum(MEMBER_ROLES),
  roleLabel: z.string(),
  dueDate: z.string(),
  state: z.enum(['not_due', 'due', 'overdue', 'submitted', 'late']),
  stateLabel: z.string(),
  report: z
    .object({
      id: z.number(),
      submittedOn: z.string(),
      content: z.string(),
      reviewStatus: z.enum(['pending', 'accepted', 'returned']),
      reviewNote: z.string().nullable(),
      version: z.number(),
    })
    .nullable(),
});
export type ReportItem = z.infer<typeof reportItem>;
export const reportsResponse = z.object({ year: z.number(), quarter: z.number(), items: z.array(reportItem) });

export const submitReportBody = z.strictObject({
  year: z.number({ error: '年度必须是数字' }).int().min(2000).max(2100),
  quarter: z.number({ error: '季度必须是数字' }).int().min(1, '季度为 1–4').max(4, '季度为 1–4'),
  content: requiredText('报告内容', 10000),
});
export type SubmitReportBody = z.infer<typeof submitReportBody>;

export const reviewReportBody = z.strictObject({
  version: versionField,
  decision: z.enum(['accepted', 'returned'], { error: '审核结论只能是 accepted（通过）或 returned（退回）' }),
  note: textField('审核意见', 500).nullish(),
});
export type ReviewReportBody = z.infer<typeof reviewReportBody>;
