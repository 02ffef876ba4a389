import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';

const date = dateSchema;

export const calendarQuery = z.strictObject({
  year: z.coerce.number({ error: '年份必须是数字' }).int('年份必须是整数').min(2004, '年份不能早于 2004').max(2100, '年份不能晚于 2100'),
});

export const calendarDay = z.object({
  date: z.string(),
  kind: z.enum(['holiday', 'workday']),
  note: z.string().nullable(),
  source: z.enum(['builtin', 'override']),
});
export const calendarResponse = z.object({
  year: z.number(),
  /** false until the State Council's schedule for the year is in the chinese-days package: add overrides by hand */
  published: z.boolean(),
  days: z.array(calendarDay),
});

export const addWorkingDaysQuery = z.strictObject({
  date,
  n: z.coerce.number({ error: '天数必须是数字' }).int('天数必须是整数').min(-3660, '天数不能小于 -3660').max(3660, '天数不能超过 3660'),
});
export const addWorkingDaysResponse = z.object({ date: z.string(), n: z.number(), result: z.string() });

export const overrideParams = z.strictObject({ date });
export const overrideBody = z.strictObject({
  kind: z.enum(['workday', 'holiday'], { error: '类型只能是 workday（上班）或 holiday（放假）' }),
  note: z.string({ error: '说明必须是文本' }).trim().max(50, '说明不能超过 50 个字').nullish(),
});
export type OverrideBody = z.infer<typeof overrideBody>;
export const overrideResponse = z.object({ date: z.string(), kind: z.enum(['workday', 'holiday']), note: z.string().nullable() });

export const calendarFieldLabels = { year: '年份', date: '日期', n: '工作日天数', kind: '类型', note: '说明' };
