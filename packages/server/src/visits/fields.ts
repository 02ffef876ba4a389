/**
 * Zod pieces of the module's request schemas. Browser-safe (zod and @fupin/shared only): the
 * web app imports the schemas files that use them to validate its forms.
 */
import { z } from 'zod';
import { isIsoDate } from '@fupin/shared/date';
import { phoneSchema } from '@fupin/shared/schemas/common';

export const dateField = (label: string) =>
  z.string({ error: `${label}必须是文本` }).refine(isIsoDate, { error: `${label}格式应为 YYYY-MM-DD，且必须是真实存在的日期` });

export const idField = (label: string) =>
  z.coerce.number({ error: `${label}必须是数字` }).int(`${label}必须是整数`).positive(`${label}必须是正整数`);

export const textField = (label: string, max: number) =>
  z
    .string({ error: `${label}必须是文本` })
    .trim()
    .max(max, `${label}不能超过 ${max} 个字`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), `${label}不能包含控制字符`);

export const requiredText = (label: string, max: number) => textField(label, max).pipe(z.string().min(1, `${label}不能为空`));

export const reasonField = (label = '原因') => requiredText(label, 200);

export const countyCodeField = z.string({ error: '县级区划代码必须是文本' }).regex(/^\d{6}$/, '县级区划代码须为 6 位数字');

export const areaCodeQuery = z
  .string({ error: '区划代码必须是文本' })
  .trim()
  .regex(/^(\d{6}|\d{9}|\d{12}|\d{15})$/, '区划代码须为 6、9、12 或 15 位数字');

export const monthField = z
  .string({ error: '月份必须是文本' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');

export const versionField = z.number({ error: '版本号必须是数字' }).int('版本号必须是整数').min(1, '版本号从 1 开始');

export const optionalPhone = phoneSchema.nullish();

export const boolQuery = (label: string) =>
  z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean({ error: `${label}只能是 true 或 false` }));

/** Field names of every body and query in the module, for Chinese validation messages. */
export const VISIT_FIELD_LABELS: Record<string, string> = {
  unitOrgId: '帮扶单位',
  villageCode: '村',
  isLead: '是否牵头单位',
  startDate: '开始日期',
  endDate: '结束日期',
  reason: '原因',
  note: '备注',
  version: '版本号',
  countyCode: '县级区划代码',
  userId: '登录账号',
  name: '姓名',
  post: '职务',
  phone: '电话',
  status: '状态',
  since: '生效日期',
  householdId: '农户',
  cadreId: '帮扶干部',
  replace: '是否更换',
  sentByOrgId: '派出单位',
  role: '队内职务',
  days: '考勤',
  date: '日期',
  year: '年度',
  quarter: '季度',
  content: '报告内容',
  decision: '审核结论',
  month: '月份',
  clientId: '客户端编号',
  visitDate: '走访日期',
  kind: '走访方式',
  checks: '两不愁三保障核查',
  food: '吃',
  clothing: '穿',
  schooling: '义务教育',
  medical: '基本医疗',
  housing: '住房安全',
  water: '饮水安全',
  incomeChange: '收入变化',
  incomeNote: '收入情况说明',
  problems: '发现的问题',
  helpGiven: '帮扶措施',
  policiesExplained: '宣讲政策',
  satisfaction: '满意度',
  gps: '定位',
  lat: '纬度',
  lng: '经度',
  accuracyM: '定位精度',
  householdVersion: '农户版本号',
  householdChanges: '农户信息变更',
  clientRecordedAt: '手机记录时间',
  problem: '问题',
  category: '问题类别',
  ownerCadreId: '责任干部',
  ownerUserId: '责任人账号',
  deadline: '整改期限',
  evidence: '整改佐证',
  evidenceVisitId: '佐证走访',
  minVisitsPerMonth: '每户每月最少走访次数',
  visitDay: '走贫日',
  countedKinds: '计入走访率的走访方式',
  requiredStatuses: '纳入考核的户状态',
  proratePartialMonth: '不足整月按天折算',
  attendanceMinDays: '每月最少驻村天数',
  reportDueDay: '季度报告截止日',
  fromDate: '开始日期',
  toDate: '结束日期',
  recent: '每户最近走访条数',
  visits: '走访记录',
  groupBy: '统计维度',
  areaCode: '区划',
  keyword: '关键字',
  current: '仅当前',
  teamId: '工作队',
  visitClientId: '走访客户端编号',
};

