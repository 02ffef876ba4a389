import type { TablePaginationConfig } from 'antd';
import type { FilterValue, SorterResult, SortOrder } from 'antd/es/table/interface';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

const RESERVED = new Set(['page', 'pageSize', 'sort', 'order']);

export type ListDefaults = { sort?: string; order?: 'asc' | 'desc'; pageSize?: number };

/**
 * The state of a list page — filters, page, page size, sort — kept in the URL, so a
 * filtered list can be bookmarked, shared, and survives "back". The query object it returns
 * is exactly what the API's list endpoints take (`?page&pageSize&sort&order&…filters`).
 */
export function useListParams(defaults: ListDefaults = {}) {
  const [sp, setSp] = useSearchParams();

  const page = Math.max(1, Number(sp.get('page')) || 1);
  const pageSize = Math.min(200, Math.max(1, Number(sp.get('pageSize')) || defaults.pageSize || 20));
  const sort = sp.get('sort') || defaults.sort;
  const order = (sp.get('order') as 'asc' | 'desc' | null) || defaults.order;
  const key = sp.toString();

  const filters = useMemo(() => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(key)) if (!RESERVED.has(k) && v !== '') out[k] = v;
    return out;
  }, [key]);

  const query = useMemo(() => ({ page, pageSize, sort, order, ...filters }), [page, pageSize, sort, order, filters]);

  /** Replaces the filters (blank values dropped) and goes back to page 1. */
  const setFilters = useCallback(
    (values: Record<string, unknown>) => {
      setSp(
        (prev) => {
          const next = new URLSearchParams();
          for (const k of ['pageSize', 'sort', 'order']) {
            const v = prev.get(k);
            if (v) next.set(k, v);
          }
          for (const [k, v] of Object.entries(values)) {
            if (v === undefined || v === null || v === '') continue;
            next.set(k, String(v));
          }
          return next;
        },
        { replace: false },
      );
    },
    [setSp],
  );

  // Generic in the row type, so it can be passed to any <Table<Row> onChange>.
  const onTableChange = useCallback(
    <T,>(pagination: TablePaginationConfig, _f: Record<string, FilterValue | null>, sorter: SorterResult<T> | SorterResult<T>[]) => {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      setSp((prev) => {
        const next = new URLSearchParams(prev);
        const newSize = pagination.pageSize ?? pageSize;
        next.set('page', String(newSize !== pageSize ? 1 : (pagination.current ?? 1)));
        next.set('pageSize', String(newSize));
        const field = s?.columnKey ?? (Array.isArray(s?.field) ? s.field.join('.') : s?.field);
        if (s?.order && field) {
          next.set('sort', String(field));
          next.set('order', s.order === 'descend' ? 'desc' : 'asc');
        } else {
          next.delete('sort');
          next.delete('order');
        }
        return next;
      });
    },
    [setSp, pageSize],
  );

  /** For a column's `sortOrder`, so the header arrow shows the URL's sort. */
  const sortOrderOf = useCallback((columnKey: string): SortOrder => (sort === columnKey ? (order === 'desc' ? 'descend' : 'ascend') : null), [sort, order]);

  const pagination = useCallback(
    (total: number | undefined): TablePaginationConfig => ({
      current: page,
      pageSize,
      total: total ?? 0,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (t) => `共 ${t} 条`,
    }),
    [page, pageSize],
  );

  return { query, filters, page, pageSize, sort, order, setFilters, onTableChange, sortOrderOf, pagination };
}
