import { z } from 'zod';
import { QUALITY_RULES } from '../rules';

const blank = (v: unknown) => (v === '' ? undefined : v);
export const filters = {
  rule: z.preprocess(blank, z.enum(Object.keys(QUALITY_RULES) as [string, ...string[]], { error: `规则只能是 ${Object.keys(QUALITY_RULES).join('、')}` }).optional()),
  severity: z.preprocess(blank, z.enum(['error', 'warning']).optional()),
  townshipCode: z.preprocess(blank, z.string().regex(/^\d{9}$/, '乡镇代码应为 9 位数字').optional()),
  villageCode: z.preprocess(blank, z.string().regex(/^\d{12}$/, '村代码应为 12 位数字').optional()),
  householdId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
};
export const issueItem = z.object({
  id: z.number(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  personId: z.number().nullable(),
  personName: z.string().nullable(),
  townshipName: z.string().nullable(),
  villageName: z.string().nullable(),
  rule: z.string(),
  ruleLabel: z.string(),
  severity: z.enum(['error', 'warning']),
  severityLabel: z.string(),
  message: z.string(),
  detectedAt: z.string(),
});
const count = z.object({ issues: z.number(), households: z.number() });
export const summary = z.object({
  issues: z.number(),
  households: z.number(),
  byRule: z.array(count.extend({ rule: z.string(), label: z.string() })),
  byTownship: z.array(count.extend({ code: z.string(), name: z.string().nullable() })),
  byVillage: z.array(count.extend({ code: z.string(), name: z.string().nullable(), townshipName: z.string().nullable() })),
  lastRun: z.object({ startedAt: z.string(), finishedAt: z.string(), households: z.number(), issues: z.number() }).nullable(),
});
export type QualityIssue = z.output<typeof issueItem>;
export type QualitySummary = z.output<typeof summary>;
