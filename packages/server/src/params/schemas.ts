import { z } from 'zod';

export const paramItem = z.object({ key: z.string(), value: z.unknown(), description: z.string(), updatedAt: z.string() });
export const listParamsResponse = z.object({ items: z.array(paramItem) });
export const paramParams = z.strictObject({ key: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, '参数键格式不正确') });
export const updateParamBody = z.strictObject({ value: z.unknown().refine((v) => v !== undefined, '请提供参数值') });
export const paramFieldLabels = { key: '参数键', value: '参数值' };
