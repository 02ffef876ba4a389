/**
 * Zod schemas shared by the API (request/response validation) and the browser
 * (form validation), so both refuse the same input with the same Chinese message.
 */
import { z } from 'zod';
import { checkAreaCode } from '../area';
import { isIsoDate } from '../date';
import { parseIdNumber } from '../idcard';

/** A structurally valid division code of any level (see area.ts). */
export const areaCodeSchema = z.string({ error: '行政区划代码必须是文本' }).superRefine((code, ctx) => {
  const check = checkAreaCode(code);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
});

/**
 * An 18-digit resident ID; the output is the normalised form (half-width, upper-case
 * X, no spaces), so what gets stored never depends on how it was typed.
 */
export const idNumberSchema = z.string({ error: '身份证号码必须是文本' }).transform((raw, ctx) => {
  const parsed = parseIdNumber(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason, params: { idError: parsed.code } });
    return z.NEVER;
  }
  return parsed.id;
});

const MOBILE_RE = /^1[3-9]\d{9}$/;
// Area code 0xx/0xxx, a 7–8 digit number, an optional extension: 0551-62345678-801.
const LANDLINE_RE = /^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$/;

/** A mainland mobile or landline number, normalised (half-width, no spaces, no +86). */
export const phoneSchema = z
  .string({ error: '电话号码必须是文本' })
  .transform((raw) =>
    raw
      .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/[\s\u200B\uFEFF]/g, '')
      .replace(/^\+?86(?=1[3-9]\d{9}$)/, ''),
  )
  .refine((p) => MOBILE_RE.test(p) || LANDLINE_RE.test(p), {
    error: '电话号码格式不正确：手机号为以1开头的11位数字，固定电话如 0551-62345678',
  });

export const dateSchema = z
  .string({ error: '日期必须是文本' })
  .refine(isIsoDate, { error: '日期格式应为 YYYY-MM-DD，且必须是真实存在的日期' });

// Query strings deliver `?page=` as an empty string; treat it as absent, not as 0.
const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v);

export const pageQuerySchema = z.object({
  page: z.preprocess(
    blankAsAbsent,
    z.coerce.number({ error: '页码必须是数字' }).int({ error: '页码必须是整数' }).min(1, { error: '页码不能小于 1' }).default(1),
  ),
  pageSize: z.preprocess(
    blankAsAbsent,
    z.coerce
      .number({ error: '每页条数必须是数字' })
      .int({ error: '每页条数必须是整数' })
      .min(1, { error: '每页条数不能小于 1' })
      .max(200, { error: '每页条数不能超过 200' })
      .default(20),
  ),
  // Only a field name reaches the server's sort whitelist; anything else is refused here.
  sort: z.preprocess(
    blankAsAbsent,
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, { error: '排序字段名格式不正确' })
      .optional(),
  ),
  order: z.preprocess(blankAsAbsent, z.enum(['asc', 'desc'], { error: '排序方向只能是 asc 或 desc' }).optional()),
});

export type PageQuery = z.output<typeof pageQuerySchema>;

export function pagedResult<T extends z.ZodType>(itemSchema: T) {
  return z.object({
    items: z.array(itemSchema),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
  });
}

export type PagedResult<T> = { items: T[]; total: number; page: number; pageSize: number };

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;
