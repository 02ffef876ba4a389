import { useQuery } from '@tanstack/react-query';
import { Select, type SelectProps } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Paged } from '../api/client';
import type { OrgItem } from '../api/contract';

type Props = Omit<SelectProps<number>, 'options' | 'onSearch' | 'filterOption' | 'showSearch'> & {
  /** only organisations in this area's subtree */
  areaCode?: string | null;
  /** only organisations of this kind (dictionary org_kind, e.g. 'coop', 'unit') */
  kind?: string;
  /** the current value's name, so an edited record shows it before any search */
  initialLabel?: string | null;
  excludeId?: number;
};

/** Searches active organisations in my scope by name (GET /api/orgs?keyword=&kind=&areaCode=). */
export function OrgSelect({ areaCode, kind, initialLabel, excludeId, value, ...rest }: Props) {
  const [input, setInput] = useState('');
  const [keyword, setKeyword] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setKeyword(input.trim()), 300);
    return () => clearTimeout(t);
  }, [input]);

  // Options are read when the list is first opened, not with every page that shows the select.
  const [opened, setOpened] = useState(false);
  const q = useQuery({
    queryKey: ['orgs', 'options', keyword, areaCode ?? '', kind ?? ''],
    queryFn: ({ signal }) =>
      api.get<Paged<OrgItem>>('/api/orgs', { keyword, areaCode, kind, status: 'active', pageSize: 30, sort: 'name' }, signal),
    staleTime: 60_000,
    enabled: opened || keyword !== '',
  });
  const hasValue = value !== undefined && value !== null;
  const known = (q.data?.items ?? []).some((o) => o.id === value);
  // A preset value (a filter from the URL) without a known name: read that one organisation.
  const current = useQuery({
    queryKey: ['orgs', 'one', value],
    queryFn: ({ signal }) => api.get<OrgItem>(`/api/orgs/${value}`, undefined, signal),
    enabled: hasValue && !known && !initialLabel,
    staleTime: 60_000,
  });
  const options = (q.data?.items ?? [])
    .filter((o) => o.id !== excludeId)
    .map((o) => ({ value: o.id, label: `${o.name}（${o.areaName}）` }));
  if (hasValue && !known) {
    const label = initialLabel ?? (current.data ? `${current.data.name}（${current.data.areaName}）` : undefined);
    if (label) options.unshift({ value: value as number, label });
  }
  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setInput }}
      allowClear
      placeholder="输入机构名称查找"
      loading={q.isFetching}
      onOpenChange={(o) => o && setOpened(true)}
      notFoundContent={q.isFetching ? '查找中…' : '没有符合条件的机构'}
      {...rest}
      value={value}
      options={options}
    />
  );
}
