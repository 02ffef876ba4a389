import { z } from 'zod';

export const AREA_LEVEL_NAMES = ['province', 'city', 'county', 'township', 'village', 'group'] as const;
export const areaLevelSchema = z.enum(AREA_LEVEL_NAMES, { error: '级别只能是 province、city、county、township、village、group 之一' });

// Digits only: codes are also LIKE prefixes in the scope helper. The full structural check
// (province prefix, level, parent) is done by the service with @fupin/shared checkAreaCode.
const codeField = z.string({ error: '区划代码必须是文本' }).trim().regex(/^\d{6,15}$/, '区划代码须为 6 至 15 位数字');

// No control characters (they break printed rosters and exports); HTML and quotes are kept as
// typed — the API returns JSON and the UI escapes, so nothing is executed.
export const nameField = (label: string, max = 50) =>
  z
    .string({ error: `${label}必须是文本` })
    .trim()
    .min(1, `${label}不能为空`)
    .max(max, `${label}不能超过 ${max} 个字`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${label}不能包含控制字符`);

/** An optional query-string filter; `?areaCode=` (empty, as forms send it) counts as absent. */
export const optionalParam = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const sortField = z.number({ error: '排序号必须是数字' }).int('排序号必须是整数').min(0, '排序号不能小于 0').max(99999, '排序号不能超过 99999');

export const areaItem = z.object({
  code: z.string(),
  name: z.string(),
  level: areaLevelSchema,
  levelLabel: z.string(),
  parentCode: z.string().nullable(),
  prefix: z.string(),
  countyCode: z.string().nullable(),
  hasChildren: z.boolean(),
  loanPreconditionMet: z.boolean(),
  sort: z.number(),
  /** false for the ancestors shown only for context: visible, not editable, their other children hidden */
  inScope: z.boolean(),
});
export type AreaItem = z.infer<typeof areaItem>;

export const listAreasQuery = z.strictObject({
  parentCode: optionalParam(codeField),
  level: optionalParam(areaLevelSchema),
  keyword: optionalParam(z.string().trim().max(50, '关键字不能超过 50 个字')),
});
export const listAreasResponse = z.object({ items: z.array(areaItem), truncated: z.boolean() });

export const areaCodeParams = z.strictObject({ code: codeField });

export const areaDetail = areaItem.extend({ path: z.array(z.object({ code: z.string(), name: z.string() })) });

export const createAreaBody = z.strictObject({
  code: codeField,
  name: nameField('区划名称'),
  parentCode: codeField.nullish(),
  sort: sortField.optional(),
  loanPreconditionMet: z.boolean({ error: '贷款前置条件必须是 true 或 false' }).optional(),
});
export type CreateAreaBody = z.infer<typeof createAreaBody>;

export const updateAreaBody = z.strictObject({
  name: nameField('区划名称').optional(),
  sort: sortField.optional(),
  loanPreconditionMet: z.boolean({ error: '贷款前置条件必须是 true 或 false' }).optional(),
});
export type UpdateAreaBody = z.infer<typeof updateAreaBody>;

export const areaFieldLabels = {
  code: '区划代码',
  name: '区划名称',
  parentCode: '上级区划代码',
  level: '级别',
  keyword: '关键字',
  sort: '排序号',
  loanPreconditionMet: '贷款前置条件',
};
