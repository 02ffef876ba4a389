import { z } from 'zod';

export const TODO_SECTIONS = ['registry', 'loans', 'loansReturned', 'loanFunds', 'visits', 'tasks', 'quality'] as const;

export const todoItem = z.object({
  key: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  dueDate: z.string().nullable(),
  /** working days (registry, loans) or calendar days (visit tasks) left; negative when overdue */
  daysLeft: z.number().nullable(),
  daysKind: z.enum(['working', 'calendar']).nullable(),
  overdue: z.boolean(),
  /** the page where the item is done */
  link: z.string(),
});
export type TodoItem = z.infer<typeof todoItem>;

export const todoSection = z.object({
  key: z.enum(TODO_SECTIONS),
  title: z.string(),
  count: z.number(),
  overdue: z.number(),
  link: z.string(),
  items: z.array(todoItem),
});
export type TodoSection = z.infer<typeof todoSection>;

export const todoResponse = z.object({ today: z.string(), sections: z.array(todoSection) });
export type TodoResponse = z.infer<typeof todoResponse>;
