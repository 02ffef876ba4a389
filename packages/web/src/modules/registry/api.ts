import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, toSearch, type Paged, type Query } from '../../api/client';
import type { householdItem, householdWithMembers, memberItem, personListItem } from '@fupin/server/src/registry/households/schemas';
import type { exitVerdictSchema, noticePrint, povertyLineItem, workflowDetail, workflowItem } from '@fupin/server/src/registry/workflow/schemas';
import type { HouseholdPageData } from '@fupin/server/src/registry/page-schemas';
import type { QualityIssue, QualitySummary } from '@fupin/server/src/registry/quality/schemas';
import type { ImportItem } from '@fupin/server/src/registry/excel/schemas';

export type Household = z.output<typeof householdItem>;
export type HouseholdDetail = z.output<typeof householdWithMembers>;
export type Member = z.output<typeof memberItem>;
export type PersonRow = z.output<typeof personListItem>;
export type Workflow = z.output<typeof workflowItem>;
export type WorkflowDetail = z.output<typeof workflowDetail>;
export type ExitVerdict = z.output<typeof exitVerdictSchema>;
export type NoticePrint = z.output<typeof noticePrint>;
export type PovertyLine = z.output<typeof povertyLineItem>;
export type { HouseholdPageData, QualityIssue, QualitySummary, ImportItem };
export type HouseholdList = Paged<Household> & { statusCounts: Record<string, number> };
export type WorkflowList = Paged<Workflow> & { stateCounts: Record<string, number> };

export const STATUS_OPTIONS = [
  { value: 'candidate', label: '识别中', color: 'default' },
  { value: 'identified', label: '贫困户', color: 'red' },
  { value: 'returned', label: '返贫', color: 'volcano' },
  { value: 'monitored', label: '监测对象', color: 'orange' },
  { value: 'exited', label: '已脱贫', color: 'green' },
  { value: 'cancelled', label: '已注销', color: 'default' },
] as const;
export const STATUS_COLOR: Record<string, string> = Object.fromEntries(STATUS_OPTIONS.map((s) => [s.value, s.color]));

export const KIND_OPTIONS = [
  { value: 'identification', label: '贫困户识别' },
  { value: 'exit', label: '脱贫退出' },
  { value: 'monitoring', label: '纳入监测' },
  { value: 'return', label: '返贫' },
  { value: 'cancellation', label: '注销' },
] as const;

export const STATE_OPTIONS = [
  { value: 'appraisal', label: '待村级民主评议' },
  { value: 'notice', label: '村级公示' },
  { value: 'township_review', label: '待乡镇审核' },
  { value: 'county_approval', label: '待县级审批' },
  { value: 'announcement', label: '待公告' },
  { value: 'done', label: '已完成' },
  { value: 'rejected', label: '未通过' },
  { value: 'withdrawn', label: '已撤回' },
] as const;

export const EVENT_OPTIONS = [
  { value: 'birth', label: '出生' },
  { value: 'death', label: '死亡' },
  { value: 'marriage_in', label: '婚入' },
  { value: 'marriage_out', label: '婚出' },
  { value: 'move_in', label: '迁入' },
  { value: 'move_out', label: '迁出' },
  { value: 'move', label: '户间迁移' },
  { value: 'split', label: '分户' },
  { value: 'merge', label: '并户' },
  { value: 'head_change', label: '户主变更' },
  { value: 'member_add', label: '补录成员' },
  { value: 'member_remove', label: '删除错误登记' },
] as const;

export const registryApi = {
  households: (q: Query, signal?: AbortSignal) => api.get<HouseholdList>('/api/registry/households', q, signal),
  household: (id: number, signal?: AbortSignal) => api.get<HouseholdDetail>(`/api/registry/households/${id}`, undefined, signal),
  page: (id: number, signal?: AbortSignal) => api.get<HouseholdPageData>(`/api/registry/households/${id}/page`, undefined, signal),
  create: (body: unknown) => api.post<HouseholdDetail>('/api/registry/households', body),
  update: (id: number, body: unknown) => api.patch<HouseholdDetail>(`/api/registry/households/${id}`, body),
  event: (id: number, body: unknown) => api.post<HouseholdDetail>(`/api/registry/households/${id}/events`, body),
  updatePerson: (id: number, body: unknown) => api.patch<Member>(`/api/registry/persons/${id}`, body),
  revealPerson: (id: number) => api.post<{ idNumber: string; phone: string | null }>(`/api/registry/persons/${id}/reveal`),
  revealHousehold: (id: number) => api.post<{ phone: string | null; bankAccount: string | null; headIdNumber: string | null }>(`/api/registry/households/${id}/reveal`),
  persons: (q: Query, signal?: AbortSignal) => api.get<Paged<PersonRow>>('/api/registry/persons', q, signal),
  exitCheck: (id: number) => api.get<ExitVerdict>(`/api/registry/households/${id}/exit-check`),

  workflows: (q: Query, signal?: AbortSignal) => api.get<WorkflowList>('/api/registry/workflows', q, signal),
  workflow: (id: number, signal?: AbortSignal) => api.get<WorkflowDetail>(`/api/registry/workflows/${id}`, undefined, signal),
  startWorkflow: (body: unknown) => api.post<WorkflowDetail>('/api/registry/workflows', body),
  step: (id: number, step: string, body: unknown) => api.post<WorkflowDetail>(`/api/registry/workflows/${id}/${step}`, body),
  resolveObjection: (id: number, body: unknown) => api.post<WorkflowDetail>(`/api/registry/objections/${id}/resolve`, body),
  noticePrint: (q: { villageCode: string; kind: string; startDate?: string }) => api.get<NoticePrint>('/api/registry/notices/print', q),

  povertyLines: (signal?: AbortSignal) => api.get<{ items: PovertyLine[] }>('/api/registry/poverty-lines', undefined, signal),
  setPovertyLine: (provinceCode: string, year: number, body: { lineFen: number; note?: string }) => api.put<PovertyLine>(`/api/registry/poverty-lines/${provinceCode}/${year}`, body),

  qualitySummary: (q: Query, signal?: AbortSignal) => api.get<QualitySummary>('/api/registry/quality/summary', q, signal),
  qualityIssues: (q: Query, signal?: AbortSignal) => api.get<Paged<QualityIssue>>('/api/registry/quality/issues', q, signal),
  runQuality: () => api.post<{ runId: number; households: number; persons: number; issues: number }>('/api/registry/quality/run'),

  imports: (q: Query, signal?: AbortSignal) => api.get<Paged<ImportItem>>('/api/registry/imports', q, signal),
  importStatus: (id: number, signal?: AbortSignal) => api.get<ImportItem>(`/api/registry/imports/${id}`, undefined, signal),
};

export const householdPageQuery = (id: number) =>
  queryOptions({ queryKey: ['registry', 'household-page', id], queryFn: ({ signal }) => registryApi.page(id, signal) });

/** A download through the browser itself (cookie auth, GET): the server streams the file. */
export function downloadUrl(path: string, query?: Query) {
  const a = document.createElement('a');
  a.href = `${path}${toSearch(query)}`;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
