import { z } from 'zod';
import { phoneSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../http/common-schemas';
import { nameField, optionalParam } from '../areas/schemas';

export const DATA_SCOPES = ['all', 'custom', 'area', 'area_below', 'self'] as const;
export const DATA_SCOPE_LABELS: Record<(typeof DATA_SCOPES)[number], string> = {
  all: '全部数据',
  custom: '自定义区划',
  area: '本区划',
  area_below: '本区划及以下',
  self: '仅本人',
};
const dataScope = z.enum(DATA_SCOPES, { error: '数据权限只能是 all、custom、area、area_below、self 之一' });
const areaCode = z.string({ error: '岗位区划必须是文本' }).trim().regex(/^\d{6,15}$/, '区划代码须为 6 至 15 位数字');
const username = z
  .string({ error: '用户名必须是文本' })
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{2,31}$/, '用户名须以字母开头，3–32 位，只能包含字母、数字、下划线、点和短横线');
const roleCodes = z.array(z.string({ error: '角色代码必须是文本' }).trim().min(1).max(32), { error: '角色必须是角色代码的数组' }).max(20, '最多 20 个角色');
const scopeAreas = z.array(areaCode, { error: '自定义区划必须是区划代码的数组' }).max(200, '自定义区划最多 200 个');
const orgId = z.number({ error: '所属机构必须是编号' }).int().positive('所属机构编号必须是正整数');

export const userItem = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  areaCode: z.string().nullable(),
  areaName: z.string().nullable(),
  countyCode: z.string().nullable(),
  dataScope: dataScope,
  dataScopeLabel: z.string(),
  scopeAreas: z.array(z.object({ code: z.string(), name: z.string() })),
  roles: z.array(z.object({ code: z.string(), name: z.string() })),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserItem = z.infer<typeof userItem>;

export const listUsersQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(['name', 'username', 'createdAt', 'lastLoginAt'], { error: '排序字段只能是 name、username、createdAt、lastLoginAt' }).default('name'),
  areaCode: optionalParam(areaCode),
  orgId: optionalParam(z.coerce.number({ error: '所属机构必须是编号' }).int().positive()),
  keyword: optionalParam(z.string().trim().max(50, '关键字不能超过 50 个字')),
  status: optionalParam(z.enum(['active', 'disabled'], { error: '状态只能是 active 或 disabled' })),
  roleCode: optionalParam(z.string().trim().max(32)),
});
export const listUsersResponse = paged(userItem);

export const createUserBody = z.strictObject({
  username,
  name: nameField('姓名', 30),
  phone: phoneSchema.nullish(),
  orgId: orgId.nullish(),
  areaCode: areaCode.nullish(),
  dataScope,
  scopeAreas: scopeAreas.optional(),
  roleCodes,
  password: z.string({ error: '密码必须是文本' }).max(128, '密码不能超过 128 位').optional(),
});
export type CreateUserBody = z.infer<typeof createUserBody>;
export const createUserResponse = z.object({ user: userItem, initialPassword: z.string().optional() });

export const updateUserBody = z.strictObject({
  name: nameField('姓名', 30).optional(),
  phone: phoneSchema.nullable().optional(),
  orgId: orgId.nullable().optional(),
  areaCode: areaCode.nullable().optional(),
  dataScope: dataScope.optional(),
  scopeAreas: scopeAreas.optional(),
  roleCodes: roleCodes.optional(),
  status: z.enum(['active', 'disabled'], { error: '状态只能是 active（启用）或 disabled（停用）' }).optional(),
});
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const resetPasswordResponse = z.object({ password: z.string() });

export const userFieldLabels = {
  username: '用户名',
  name: '姓名',
  phone: '手机号',
  orgId: '所属机构',
  areaCode: '岗位区划',
  dataScope: '数据权限',
  scopeAreas: '自定义区划',
  roleCodes: '角色',
  password: '密码',
  status: '状态',
  keyword: '关键字',
  roleCode: '角色',
  page: '页码',
  pageSize: '每页条数',
  sort: '排序字段',
  order: '排序方向',
};
