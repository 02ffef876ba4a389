import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './client';
import type { DictItem, DictType } from './contract';

export type { DictItem, DictType };

/** GET /api/dicts — every type with all its items; small and read everywhere, so cached long. */
export const dictsQuery = queryOptions({
  queryKey: ['dicts'],
  queryFn: ({ signal }) => api.get<DictType[]>('/api/dicts', undefined, signal),
  staleTime: 10 * 60_000,
});

/**
 * One dictionary: its enabled options for selects, and code → label for tables (disabled
 * items still label the records that use them).
 */
export function useDict(type: string) {
  const q = useQuery(dictsQuery);
  return useMemo(() => {
    const t = q.data?.find((d) => d.code === type);
    const items = [...(t?.items ?? [])].sort((a, b) => a.sort - b.sort);
    const labels = new Map(items.map((i) => [i.code, i.label]));
    return {
      loading: q.isLoading,
      items,
      options: items.filter((i) => i.enabled).map((i) => ({ value: i.code, label: i.label })),
      label: (code: string | null | undefined) => (code ? (labels.get(code) ?? code) : ''),
    };
  }, [q.data, q.isLoading, type]);
}
