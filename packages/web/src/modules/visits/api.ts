/**
 * Types and calls of the visits API (server: packages/server/src/visits/**\/schemas.ts). The
 * types come from the server's zod schemas, so a changed field breaks the build, not a page.
 */
import type { z } from 'zod';
import { api, type Paged, type Query } from '../../api/client';
import type { cadreItem, cadreStatusResponse, pairingItem, unitVillageItem, exemptionItem } from '@fupin/server/src/visits/pairing/schemas';
import type { taskItem, visitItem, visitResult, photoItem, VisitInput } from '@fupin/server/src/visits/records/schemas';
import type { syncHousehold, syncPushResponse, syncResponse } from '@fupin/server/src/visits/sync/schemas';
import type { dashboardResponse, householdRateItem, rateRow, ratesResponse, ruleItem } from '@fupin/server/src/visits/rates/schemas';
import type { attendanceResponse, reportsResponse, teamItem } from '@fupin/server/src/visits/teams/schemas';

export type CadreItem = z.infer<typeof cadreItem>;
export type CadreStatusResponse = z.infer<typeof cadreStatusResponse>;
export type PairingItem = z.infer<typeof pairingItem>;
export type UnitVillageItem = z.infer<typeof unitVillageItem>;
export type ExemptionItem = z.infer<typeof exemptionItem>;
export type VisitItem = z.infer<typeof visitItem>;
export type VisitResult = z.infer<typeof visitResult>;
export type PhotoItem = z.infer<typeof photoItem> & { duplicate: boolean };
export type TaskItem = z.infer<typeof taskItem>;
export type SyncHousehold = z.infer<typeof syncHousehold>;
export type SyncResponse = z.infer<typeof syncResponse>;
export type SyncPushResponse = z.infer<typeof syncPushResponse>;
export type RatesResponse = z.infer<typeof ratesResponse>;
export type RateRow = z.infer<typeof rateRow>;
export type HouseholdRateItem = z.infer<typeof householdRateItem>;
export type DashboardResponse = z.infer<typeof dashboardResponse>;
export type RuleItem = z.infer<typeof ruleItem>;
export type TeamItem = z.infer<typeof teamItem>;
export type AttendanceResponse = z.infer<typeof attendanceResponse>;
export type ReportsResponse = z.infer<typeof reportsResponse>;
export type { VisitInput };

export const visitsApi = {
  syncDownload: (recent = 5) => api.get<SyncResponse>('/api/visits/sync', { recent }),
  syncUpload: (visits: unknown[]) => api.post<SyncPushResponse>('/api/visits/sync', { visits }),

  rates: (q: Query, signal?: AbortSignal) => api.get<RatesResponse>('/api/visits/rates', q, signal),
  rateHouseholds: (q: Query, signal?: AbortSignal) => api.get<Paged<HouseholdRateItem>>('/api/visits/rates/households', q, signal),
  unpaired: (q: Query, signal?: AbortSignal) =>
    api.get<Paged<{ countyCode: string; householdId: number; householdNo: string; headName: string | null; villageName: string | null; status: string }>>(
      '/api/visits/rates/unpaired',
      q,
      signal,
    ),
  dashboard: (q: Query, signal?: AbortSignal) => api.get<DashboardResponse>('/api/visits/dashboard', q, signal),

  cadres: (q: Query, signal?: AbortSignal) => api.get<Paged<CadreItem>>('/api/visits/cadres', q, signal),
  pairings: (q: Query, signal?: AbortSignal) => api.get<Paged<PairingItem>>('/api/visits/pairings', q, signal),
  unitVillages: (q: Query, signal?: AbortSignal) => api.get<Paged<UnitVillageItem>>('/api/visits/unit-villages', q, signal),
  visits: (q: Query, signal?: AbortSignal) => api.get<Paged<VisitItem>>('/api/visits', q, signal),
  exemptions: (q: Query, signal?: AbortSignal) => api.get<Paged<ExemptionItem>>('/api/visits/exemptions', q, signal),
  tasks: (q: Query, signal?: AbortSignal) => api.get<Paged<TaskItem>>('/api/visits/tasks', q, signal),
  teams: (q: Query, signal?: AbortSignal) => api.get<Paged<TeamItem>>('/api/visits/teams', q, signal),
  attendance: (q: Query, signal?: AbortSignal) => api.get<AttendanceResponse>('/api/visits/attendance', q, signal),
  reports: (q: Query, signal?: AbortSignal) => api.get<ReportsResponse>('/api/visits/reports', q, signal),
};

export const OUTCOME_COLORS: Record<string, string> = {
  met: 'green',
  missed: 'red',
  unassigned: 'orange',
  exempt: 'default',
  not_required: 'default',
};

/** A rate as a colour: the chase list reads red first. */
export function rateColor(rate: number | null): string {
  if (rate === null) return 'default';
  if (rate >= 0.98) return 'green';
  if (rate >= 0.9) return 'gold';
  return 'red';
}
