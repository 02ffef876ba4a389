import { z } from 'zod';
import { phoneSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../http/common-schemas';
import { nameField, optionalParam } from '../areas/schemas';

const areaCode = z.string({ error: '所在区划必须是文本' }).trim().regex(/^\d{6,15}$/, '所在区划代码须为 6 至 15 位数字');
const kind = z.string({ error: '机构类型必须是文本' }).trim().min(1, '请选择机构类型').max(32);
const parentId = z.number({ error: '上级机构必须是编号' }).int().positive('上级机构编号必须是正整数');

export const orgItem = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  kindLabel: z.string().nullable(),
  areaCode: z.string(),
  areaName: z.string(),
  countyCode: z.string().nullable(),
  parentId: z.number().nullable(),
  parentName: z.string().nullable(),
  // An office telephone published on notices (not a person's): shown as it is.
  phone: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  userCount: z.number(),
});
export type OrgItem = z.infer<typeof orgItem>;

export const listOrgsQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(['name', 'areaCode', 'kind'], { error: '排序字段只能是 name、areaCode、kind' }).default('name'),
  areaCode: optionalParam(areaCode),
  kind: optionalParam(kind),
  keyword: optionalParam(z.string().trim().max(50, '关键字不能超过 50 个字')),
  status: optionalParam(z.enum(['active', 'disabled'], { error: '状态只能是 active 或 disabled' })),
});
export const listOrgsResponse = paged(orgItem);

export const createOrgBody = z.strictObject({
  name: nameField('机构名称', 60),
  kind,
  areaCode,
  parentId: parentId.nullish(),
  phone: phoneSchema.nullish(),
});
export type CreateOrgBody = z.infer<typeof createOrgBody>;

export const updateOrgBody = z.strictObject({
  name: nameField('机构名称', 60).optional(),
  kind: kind.optional(),
  parentId: parentId.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  status: z.enum(['active', 'disabled'], { error: '状态只能是 active（启用）或 disabled（停用）' }).optional(),
});
export type UpdateOrgBody = z.infer<typeof updateOrgBody>;

export const orgFieldLabels = {
  name: '机构名称',
  kind: '机构类型',
  areaCode: '所在区划',
  parentId: '上级机构',
  phone: '电话',
  status: '状态',
  keyword: '关键字',
  page: '页码',
  pageSize: '每页条数',
  sort: '排序字段',
  order: '排序方向',
};
