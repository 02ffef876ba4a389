import { useQuery } from '@tanstack/react-query';
import { Select, type SelectProps } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Paged } from '../api/client';
import type { OrgItem } from '../api/contract';

type Props = Omit<SelectProps<number>, 'options' | 'onSearch' | 'filterOption' | 'showSearch'> & {
  /** only organisations in this area's subtree */
  areaCode?: string | null;
  /** the current value's name, so an edited record shows it before any search */
  initialLabel?: string | null;
  excludeId?: number;
};

/** Searches organisations in my scope by name (GET /api/orgs?keyword=). */
export function OrgSelect({ areaCode, initialLabel, excludeId, value, ...rest }: Props) {
  const [input, setInput] = useState('');
  const [keyword, setKeyword] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setKeyword(input.trim()), 300);
    return () => clearTimeout(t);
  }, [input]);

  const q = useQuery({
    queryKey: ['orgs', 'options', keyword, areaCode ?? ''],
    queryFn: ({ signal }) =>
      api.get<Paged<OrgItem>>('/api/orgs', { keyword, areaCode, status: 'active', pageSize: 30, sort: 'name' }, signal),
    staleTime: 60_000,
  });
  const options = (q.data?.items ?? [])
    .filter((o) => o.id !== excludeId)
    .map((o) => ({ value: o.id, label: `${o.name}（${o.areaName}）` }));
  if (value !== undefined && value !== null && !options.some((o) => o.value === value) && initialLabel) {
    options.unshift({ value, label: initialLabel });
  }
  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setInput }}
      allowClear
      placeholder="输入机构名称查找"
      loading={q.isFetching}
      notFoundContent={q.isFetching ? '查找中…' : '没有符合条件的机构'}
      {...rest}
      value={value}
      options={options}
    />
  );
}
