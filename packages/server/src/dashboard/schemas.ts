import { z } from 'zod';

export const summaryResponse = z.object({
  dataScope: z.string(),
  dataScopeLabel: z.string(),
  roots: z.array(z.object({ code: z.string(), name: z.string(), levelLabel: z.string() })),
  areas: z.object({ townships: z.number(), villages: z.number(), groups: z.number() }),
  households: z.object({ total: z.number(), byStatus: z.array(z.object({ status: z.string(), label: z.string(), count: z.number() })) }),
  persons: z.number(),
  orgs: z.number(),
  users: z.object({ total: z.number(), active: z.number() }),
});
