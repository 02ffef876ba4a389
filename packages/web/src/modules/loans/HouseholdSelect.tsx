import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { api, type Paged } from '../../api/client';

type HouseholdOption = { id: number; headName: string | null; villageName: string | null; householdNo: string; headIdNumberMasked: string | null };

/** Finds a household of my area by the head's name, ID number or household number. `id` comes from Form.Item so the label points at the input. */
export function HouseholdSelect({ value, onChange, id }: { value?: number; onChange?: (v: number) => void; id?: string }) {
  const [keyword, setKeyword] = useState('');
  const q = useQuery({
    queryKey: ['loans', 'household-pick', keyword],
    queryFn: ({ signal }) => api.get<Paged<HouseholdOption>>('/api/registry/households', { keyword: keyword || undefined, pageSize: 20 }, signal),
    enabled: keyword.length > 0,
  });
  return (
    <Select
      id={id}
      showSearch
      filterOption={false}
      onSearch={setKeyword}
      value={value}
      onChange={onChange}
      placeholder="输入户主姓名、身份证号或户编号查找"
      loading={q.isFetching}
      notFoundContent={keyword ? '没有找到' : '请输入关键字'}
      options={(q.data?.items ?? []).map((h) => ({
        value: h.id,
        label: `${h.headName ?? ''}（${h.villageName ?? ''}，${h.householdNo}${h.headIdNumberMasked ? `，${h.headIdNumberMasked}` : ''}）`,
      }))}
    />
  );
}
