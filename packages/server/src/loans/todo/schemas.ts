import { z } from 'zod';

export const financeTodoQuery = z.strictObject({
  countyCode: z.string({ error: '县代码必须是文本' }).regex(/^\d{6}$/, '县代码须为 6 位数字').optional(),
  townshipCode: z.string({ error: '乡镇代码必须是文本' }).regex(/^\d{9}$/, '乡镇代码须为 9 位数字').optional(),
});

export const financeTodoItem = z.object({
  kind: z.enum(['prepayment', 'settlement', 'claim', 'allocation', 'claim_review']),
  kindLabel: z.string(),
  townshipCode: z.string(),
  townshipName: z.string(),
  year: z.number(),
  quarter: z.number(),
  quarterLabel: z.string(),
  title: z.string(),
  detail: z.string(),
  amountFen: z.number(),
  dueDate: z.string(),
  workingDaysLeft: z.number(),
  overdue: z.boolean(),
  remind: z.boolean(),
  link: z.string(),
  /** who does it: the township finance office or the county finance bureau */
  actor: z.enum(['finance_office', 'finance_bureau']),
  actorLabel: z.string(),
});
export type FinanceTodoItem = z.infer<typeof financeTodoItem>;

export const financeTodoResponse = z.object({
  asOf: z.string(),
  items: z.array(financeTodoItem),
  total: z.number(),
  overdue: z.number(),
  counts: z.array(z.object({ kind: z.string(), label: z.string(), count: z.number(), overdue: z.number() })),
  rules: z.array(z.string()),
});
export type FinanceTodo = z.infer<typeof financeTodoResponse>;

export const todoFieldLabels: Record<string, string> = { countyCode: '县', townshipCode: '乡镇' };
