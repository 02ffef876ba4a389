import { z } from 'zod';
import { nameField } from '../areas/schemas';

export const dictItem = z.object({ code: z.string(), label: z.string(), sort: z.number(), enabled: z.boolean() });
export const dictType = z.object({ code: z.string(), name: z.string(), description: z.string().nullable(), items: z.array(dictItem) });
export const listDictsResponse = z.array(dictType);

const typeCode = z.string({ error: '字典类型必须是文本' }).regex(/^[a-z][a-z0-9_]{0,39}$/, '字典类型代码格式不正确');
export const typeParams = z.strictObject({ type: typeCode });
export const itemParams = z.strictObject({ type: typeCode, code: z.string().min(1).max(32) });
export const listDictQuery = z.strictObject({
  // Forms want only what may still be chosen; the admin page wants everything.
  enabledOnly: z.enum(['true', 'false'], { error: 'enabledOnly 只能是 true 或 false' }).optional(),
});

const sort = z.number({ error: '排序号必须是数字' }).int('排序号必须是整数').min(0, '排序号不能小于 0').max(99999, '排序号不能超过 99999');

export const createItemBody = z.strictObject({
  // Codes are what data stores: ASCII, stable, never edited afterwards.
  code: z
    .string({ error: '代码必须是文本' })
    .trim()
    .regex(/^[A-Za-z0-9_]{1,32}$/, '代码只能包含字母、数字和下划线，1–32 位'),
  label: nameField('名称', 40),
  sort: sort.optional(),
  enabled: z.boolean({ error: '启用必须是 true 或 false' }).optional(),
});
export type CreateItemBody = z.infer<typeof createItemBody>;

export const updateItemBody = z.strictObject({
  label: nameField('名称', 40).optional(),
  sort: sort.optional(),
  enabled: z.boolean({ error: '启用必须是 true 或 false' }).optional(),
});
export type UpdateItemBody = z.infer<typeof updateItemBody>;

export const dictFieldLabels = { code: '代码', label: '名称', sort: '排序号', enabled: '启用', type: '字典类型' };
