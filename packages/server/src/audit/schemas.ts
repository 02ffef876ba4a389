import { z } from 'zod';
import { pageQuery, paged } from '../http/common-schemas';
import { optionalParam } from '../areas/schemas';

// A date (from the start of that day, China time) or a full ISO timestamp.
const instant = z
  .string({ error: '时间必须是文本' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, '时间格式应为 YYYY-MM-DD 或 ISO 8601 时间')
  .refine((s) => !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00+08:00` : s)), '不是有效的日期或时间');

export const listAuditQuery = z.strictObject({
  ...pageQuery,
  order: z.enum(['asc', 'desc'], { error: '排序方向只能是 asc 或 desc' }).default('desc'),
  from: optionalParam(instant),
  to: optionalParam(instant),
  username: optionalParam(z.string().trim().max(64)),
  module: optionalParam(z.string().trim().max(32)),
  action: optionalParam(z.string().trim().max(32)),
  entity: optionalParam(z.string().trim().max(32)),
  entityId: optionalParam(z.string().trim().max(64)),
  keyword: optionalParam(z.string().trim().max(100, '关键字不能超过 100 个字')),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;

export const auditItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  seq: z.number(),
  at: z.string(),
  username: z.string().nullable(),
  ip: z.string().nullable(),
  module: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  areaCode: z.string().nullable(),
  summary: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export const listAuditResponse = paged(auditItem);

export const verifyResponse = z.object({
  ok: z.boolean(),
  chains: z.number(),
  rows: z.number(),
  broken: z.object({ countyCode: z.string(), seq: z.number(), id: z.number(), reason: z.string() }).optional(),
});

export const auditFieldLabels = { from: '开始时间', to: '结束时间', username: '用户名', module: '模块', entity: '对象', entityId: '对象编号', keyword: '关键字', page: '页码', pageSize: '每页条数' };
