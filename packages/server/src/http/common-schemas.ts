import { z } from 'zod';

export const errorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const okResponse = z.object({ ok: z.literal(true) });

export const idParams = z.strictObject({ id: z.coerce.number().int().positive({ message: '编号必须是正整数' }) });

export const pageQuery = {
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  pageSize: z.coerce.number().int().min(1).max(200, '每页最多 200 条').default(20),
  order: z.enum(['asc', 'desc']).default('asc'),
};

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });
}

// Digits only: they are also used as LIKE prefixes by the scope helper.
export const areaCodeField = z
  .string()
  .trim()
  .regex(/^(\d{6}|\d{9}|\d{12}|\d{15})$/, '区划代码须为 6、9、12 或 15 位数字');
