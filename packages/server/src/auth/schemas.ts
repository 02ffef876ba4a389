import { z } from 'zod';

export const loginBody = z.strictObject({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(128),
});

export const changePasswordBody = z.strictObject({
  oldPassword: z.string().min(1, '请输入原密码').max(128),
  newPassword: z.string().min(8, '新密码至少 8 位').max(128),
});

export const sessionUserSchema = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string(),
  orgId: z.number().nullable(),
  orgName: z.string().nullable(),
  areaCode: z.string().nullable(),
  areaName: z.string().nullable(),
  countyCode: z.string().nullable(),
  dataScope: z.enum(['all', 'custom', 'area', 'area_below', 'self']),
  mustChangePassword: z.boolean(),
  permissions: z.array(z.string()),
  roles: z.array(z.object({ code: z.string(), name: z.string() })),
});

export const loginResponse = z.object({ csrfToken: z.string(), user: sessionUserSchema });
