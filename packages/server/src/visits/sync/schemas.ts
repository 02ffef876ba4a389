import { z } from 'zod';
import { MAX_BATCH, visitItem, visitResult } from '../records/schemas';

export const MAX_RECENT = 20;
export const DEFAULT_RECENT = 5;

export const syncQuery = z.strictObject({
  /** last N visits per household kept on the phone (anchors.md: devices choke on long histories) */
  recent: z.coerce.number({ error: '每户最近走访条数必须是数字' }).int().min(0, '每户最近走访条数不能为负').max(MAX_RECENT, `每户最多 ${MAX_RECENT} 条`).default(DEFAULT_RECENT),
});

const member = z.object({
  name: z.string(),
  relation: z.string(),
  relationLabel: z.string().nullable(),
  sex: z.enum(['M', 'F']),
  age: z.number().nullable(),
  health: z.string().nullable(),
  healthLabel: z.string().nullable(),
  schooling: z.string().nullable(),
  schoolingLabel: z.string().nullable(),
  labour: z.string().nullable(),
  labourLabel: z.string().nullable(),
});

export const syncHousehold = z.object({
  id: z.number(),
  countyCode: z.string(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  address: z.string().nullable(),
  /** unmasked: the responsible cadre phones the household (a phone visit); the download is logged */
  phone: z.string().nullable(),
  villageName: z.string().nullable(),
  status: z.string(),
  version: z.number(),
  cadreId: z.number(),
  pairedSince: z.string(),
  members: z.array(member),
  due: z.object({
    required: z.number(),
    done: z.number(),
    remaining: z.number(),
    outcome: z.string(),
    reason: z.string().nullable(),
  }),
  lastVisitDate: z.string().nullable(),
  recentVisits: z.array(visitItem),
  openTasks: z.array(z.object({ id: z.number(), problem: z.string(), deadline: z.string(), overdue: z.boolean() })),
});
export type SyncHousehold = z.infer<typeof syncHousehold>;

export const syncResponse = z.object({
  serverTime: z.string(),
  today: z.string(),
  month: z.string(),
  recent: z.number(),
  cadres: z.array(z.object({ id: z.number(), countyCode: z.string(), name: z.string(), unitName: z.string() })),
  rule: z.object({
    minVisitsPerMonth: z.number(),
    visitDay: z.number().nullable(),
    visitDayDate: z.string().nullable(),
    countedKinds: z.array(z.string()),
  }),
  households: z.array(syncHousehold),
  /** more households than one download carries (never expected for one cadre) */
  truncated: z.boolean(),
});

export const syncPushBody = z.strictObject({
  // Each visit is validated on its own (records/schemas.ts#visitInput) so that one bad entry
  // in a phone's queue is rejected alone instead of blocking the rest.
  visits: z
    .array(z.record(z.string(), z.unknown()), { error: '走访记录必须是数组' })
    .min(1, '走访记录不能为空')
    .max(MAX_BATCH, `走访记录：一次最多 ${MAX_BATCH} 条，请分批上传`),
});

export const syncPushResponse = z.object({
  serverTime: z.string(),
  results: z.array(visitResult),
  summary: z.object({ created: z.number(), duplicate: z.number(), conflict: z.number(), rejected: z.number() }),
});
