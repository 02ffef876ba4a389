import { useQuery } from '@tanstack/react-query';
import { Select, type SelectProps } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Paged } from '../../../api/client';
import { visitsApi } from '../api';

type Option = { value: number; label: string };

function useDebounced(v: string, ms = 300) {
  const [d, setD] = useState(v);
  useEffect(() => {
    const t = setTimeout(() => setD(v), ms);
    return () => clearTimeout(t);
  }, [v, ms]);
  return d;
}

/** A household by head name or number, from the registry list the caller may see. */
export function HouseholdSelect(props: Omit<SelectProps<number>, 'options' | 'showSearch' | 'filterOption' | 'onSearch'>) {
  const [kw, setKw] = useState('');
  const keyword = useDebounced(kw);
  const q = useQuery({
    queryKey: ['visits', 'household-picker', keyword],
    queryFn: ({ signal }) =>
      api.get<Paged<{ id: number; householdNo: string; headName: string | null; villageName: string | null }>>(
        '/api/registry/households',
        { keyword: keyword || undefined, pageSize: 20 },
        signal,
      ),
  });
  const options: Option[] = (q.data?.items ?? []).map((h) => ({ value: h.id, label: `${h.headName ?? '—'}（${h.villageName ?? ''} ${h.householdNo}）` }));
  return <Select<number> showSearch filterOption={false} onSearch={setKw} loading={q.isFetching} options={options} placeholder="户主姓名或户编号" {...props} />;
}

/**
 * An active cadre of the counties the caller reaches, chosen by name. `initialLabel` names a
 * preset value that is not on the first page of the search, so the field never shows a bare id.
 */
export function CadreSelect({
  activeOnly = true,
  initialLabel,
  ...props
}: Omit<SelectProps<number>, 'options' | 'showSearch' | 'filterOption' | 'onSearch'> & { activeOnly?: boolean; initialLabel?: string }) {
  const [kw, setKw] = useState('');
  const keyword = useDebounced(kw);
  const q = useQuery({
    queryKey: ['visits', 'cadre-picker', keyword, activeOnly],
    queryFn: ({ signal }) => visitsApi.cadres({ keyword: keyword || undefined, status: activeOnly ? 'active' : undefined, pageSize: 50 }, signal),
  });
  const options: Option[] = (q.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.unitName}${c.post ? '，' + c.post : ''}）` }));
  if (props.value && initialLabel && !options.some((o) => o.value === props.value)) options.unshift({ value: props.value, label: initialLabel });
  return <Select<number> showSearch filterOption={false} onSearch={setKw} loading={q.isFetching} options={options} placeholder="干部姓名或职务" {...props} />;
}

/** A helping unit (帮扶单位) of the counties the caller works in (GET /api/visits/units). */
export function UnitSelect({ initialLabel, ...props }: Omit<SelectProps<number>, 'options' | 'showSearch' | 'filterOption' | 'onSearch'> & { initialLabel?: string }) {
  const [kw, setKw] = useState('');
  const keyword = useDebounced(kw);
  const q = useQuery({
    queryKey: ['visits', 'unit-picker', keyword],
    queryFn: ({ signal }) => api.get<{ items: { id: number; name: string; areaName: string }[] }>('/api/visits/units', { keyword: keyword || undefined }, signal),
  });
  const options: Option[] = (q.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  if (props.value && initialLabel && !options.some((o) => o.value === props.value)) options.unshift({ value: props.value, label: initialLabel });
  return <Select<number> showSearch filterOption={false} onSearch={setKw} loading={q.isFetching} options={options} placeholder="单位名称" {...props} />;
}
