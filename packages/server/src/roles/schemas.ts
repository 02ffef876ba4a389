import { z } from 'zod';
import { nameField } from '../areas/schemas';

export const roleItem = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  builtin: z.boolean(),
  permissions: z.array(z.string()),
  userCount: z.number(),
});
export const listRolesResponse = z.object({ items: z.array(roleItem) });

const permissions = z.array(z.string({ error: '权限代码必须是文本' }).trim().min(1).max(64), { error: '权限必须是权限代码的数组' }).max(200);
const description = z.string({ error: '说明必须是文本' }).trim().max(200, '说明不能超过 200 个字').nullable();

export const createRoleBody = z.strictObject({
  code: z
    .string({ error: '角色代码必须是文本' })
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,31}$/, '角色代码须以小写字母开头，2–32 位，只能包含小写字母、数字和下划线'),
  name: nameField('角色名称', 30),
  description: description.optional(),
  permissions,
});
export type CreateRoleBody = z.infer<typeof createRoleBody>;

export const updateRoleBody = z.strictObject({
  name: nameField('角色名称', 30).optional(),
  description: description.optional(),
  permissions: permissions.optional(),
});
export type UpdateRoleBody = z.infer<typeof updateRoleBody>;

export const permissionCatalogue = z.object({
  groups: z.array(z.object({ code: z.string(), label: z.string(), permissions: z.array(z.object({ code: z.string(), label: z.string() })) })),
});

export const roleFieldLabels = { code: '角色代码', name: '角色名称', description: '说明', permissions: '权限' };
