import { useQuery, useQueryClient } from '@tanstack/react-query';
import { TreeSelect, type TreeSelectProps } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { areaChildrenQuery, areaDetailQuery, type AreaItem } from '../api/areas';
import { api } from '../api/client';
import { reportError } from '../api/errors';

type Node = { id: string; pId: string | null; value: string; title: string; isLeaf: boolean; disabled?: boolean };

const toNode = (a: AreaItem, disableOutOfScope: boolean): Node => ({
  id: a.code,
  pId: a.parentCode,
  value: a.code,
  title: `${a.name}（${a.levelLabel}）`,
  isLeaf: !a.hasChildren,
  // Ancestors shown only for context cannot be chosen.
  disabled: disableOutOfScope && !a.inScope,
});

type Props = Omit<TreeSelectProps, 'treeData' | 'loadData' | 'treeDataSimpleMode' | 'value' | 'onChange'> & {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | undefined) => void;
  multiple?: boolean;
  /** grey out context-only ancestors (default true) */
  onlyInScope?: boolean;
};

/**
 * A select over the area tree that loads each level when it is opened
 * (GET /api/areas?parentCode=), starting from the roots of my data scope. Typing searches
 * my whole jurisdiction by name or code on the server (GET /api/areas?keyword=), so a
 * village can be found without opening its township. A value already set (editing a
 * record) is shown by its name: its ancestors' levels are loaded first.
 */
export function AreaTreeSelect({ value, onChange, multiple, onlyInScope = true, ...rest }: Props) {
  const qc = useQueryClient();
  const [nodes, setNodes] = useState<Map<string, Node>>(new Map());
  const loaded = useRef(new Set<string>());

  const addLevel = useCallback(
    async (parent: string | null) => {
      const key = parent ?? '';
      if (loaded.current.has(key)) return;
      loaded.current.add(key);
      try {
        const r = await qc.fetchQuery(areaChildrenQuery(parent));
        setNodes((prev) => {
          const next = new Map(prev);
          for (const a of r.items) next.set(a.code, toNode(a, onlyInScope));
          return next;
        });
      } catch (e) {
        loaded.current.delete(key);
        reportError(e);
      }
    },
    [qc, onlyInScope],
  );

  useEffect(() => {
    void addLevel(null);
  }, [addLevel]);

  // Make a preset value visible by name: load the levels on its path.
  const values = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  const missing = values.filter((v) => v && !nodes.has(v)).join(',');
  useEffect(() => {
    if (!missing) return;
    for (const code of missing.split(',')) {
      void qc
        .fetchQuery(areaDetailQuery(code))
        .then(async (d) => {
          for (const p of d.path) await addLevel(p.code);
          await addLevel(d.parentCode);
          // Still not placed (e.g. a root outside the loaded levels): show it alone.
          setNodes((prev) => (prev.has(d.code) ? prev : new Map(prev).set(d.code, { ...toNode(d, onlyInScope), pId: null })));
        })
        .catch(() => undefined);
    }
  }, [missing, qc, addLevel, onlyInScope]);

  const [search, setSearch] = useState('');
  const [keyword, setKeyword] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setKeyword(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);
  const found = useQuery({
    queryKey: ['areas', 'search', keyword],
    queryFn: ({ signal }) => api.get<{ items: AreaItem[]; truncated: boolean }>('/api/areas', { keyword }, signal),
    enabled: keyword.length > 0,
    staleTime: 60_000,
  });

  const treeData = useMemo(() => {
    if (search.trim()) {
      // Search results as a flat list; the chosen values stay known so their labels show.
      const flat = new Map<string, Node>();
      for (const a of found.data?.items ?? []) flat.set(a.code, { ...toNode(a, onlyInScope), pId: null, isLeaf: true, title: `${a.name}（${a.levelLabel} ${a.code}）` });
      for (const v of values) {
        const n = nodes.get(v);
        if (n && !flat.has(v)) flat.set(v, { ...n, pId: null, isLeaf: true });
      }
      return [...flat.values()];
    }
    const list = [...nodes.values()];
    // A node whose parent is not loaded is shown at the top, where the roots are.
    return list.map((n) => (n.pId && !nodes.has(n.pId) ? { ...n, pId: null } : n));
  }, [nodes, search, found.data, values.join(','), onlyInScope]);

  return (
    <TreeSelect
      showSearch={{ searchValue: search, onSearch: setSearch, filterTreeNode: false, autoClearSearchValue: true }}
      allowClear
      placeholder="请选择区划，可输入名称查找"
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, overflow: 'auto', minWidth: 280 } } }}
      {...rest}
      multiple={multiple}
      treeDataSimpleMode
      treeData={treeData}
      loadData={(node) => addLevel(String(node.value))}
      notFoundContent={found.isFetching ? '查找中…' : '没有符合条件的区划'}
      value={value ?? undefined}
      onChange={(v) => {
        setSearch('');
        onChange?.(v as string | string[] | undefined);
      }}
    />
  );
}
