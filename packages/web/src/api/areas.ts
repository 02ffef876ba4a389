import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { AreaDetail, AreaItem } from './contract';

export type { AreaDetail, AreaItem };

/** GET /api/areas?parentCode= — children of a node, or the roots of my scope without one. */
export const areaChildrenQuery = (parentCode: string | null) =>
  queryOptions({
    queryKey: ['areas', 'children', parentCode ?? ''],
    queryFn: ({ signal }) => api.get<{ items: AreaItem[]; truncated: boolean }>('/api/areas', { parentCode }, signal),
    staleTime: 5 * 60_000,
  });

export const areaDetailQuery = (code: string) =>
  queryOptions({
    queryKey: ['areas', 'detail', code],
    queryFn: ({ signal }) => api.get<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`, undefined, signal),
    staleTime: 5 * 60_000,
  });

/** After any change to the tree: every cached level and detail is re-read (but a deleted one). */
export function invalidateAreas(qc: QueryClient, deleted?: string) {
  if (deleted) qc.removeQueries({ queryKey: ['areas', 'detail', deleted] });
  return qc.invalidateQueries({
    queryKey: ['areas'],
    predicate: (q) => !(deleted && q.queryKey[1] === 'detail' && q.queryKey[2] === deleted),
  });
}

export const AREA_LEVEL_LABEL: Record<string, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村',
  group: '组',
};
