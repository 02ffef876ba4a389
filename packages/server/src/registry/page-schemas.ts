import { z } from 'zod';
import { eventItem } from './events/schemas';
import { householdWithMembers } from './households/schemas';
import { exitVerdictSchema, workflowItem } from './workflow/schemas';

export const householdPage = z.object({
  household: householdWithMembers,
  statusHistory: z.array(
    z.object({
      id: z.number(),
      fromStatus: z.string().nullable(),
      fromStatusLabel: z.string().nullable(),
      toStatus: z.string(),
      toStatusLabel: z.string(),
      date: z.string(),
      reason: z.string().nullable(),
      workflowId: z.number().nullable(),
      actorName: z.string().nullable(),
    }),
  ),
  events: z.array(eventItem),
  workflows: z.array(workflowItem),
  qualityIssues: z.array(z.object({ rule: z.string(), ruleLabel: z.string(), severity: z.string(), message: z.string(), personId: z.number().nullable() })),
  exitCheck: exitVerdictSchema,
  sections: z.record(z.string(), z.object({ title: z.string(), data: z.unknown(), error: z.string().optional() })),
});
export type HouseholdPageData = z.output<typeof householdPage>;
