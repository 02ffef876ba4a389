import { EyeOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Select, Tag, Tooltip, type SelectProps } from 'antd';
import { useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { useDict } from '../../api/dicts';
import { useCan } from '../../auth/session';
import { registryApi, STATUS_COLOR, STATUS_OPTIONS } from './api';

export function StatusTag({ status, label }: { status: string; label?: string }) {
  return <Tag color={STATUS_COLOR[status] ?? 'default'}>{label ?? STATUS_OPTIONS.find((s) => s.value === status)?.label ?? status}</Tag>;
}

/** A select over one dictionary (enabled items), values are codes. */
export function DictSelect({ type, ...rest }: { type: string } & Omit<SelectProps, 'options'>) {
  const d = useDict(type);
  // typing filters: 民族 has 56 values and 与户主关系 keeps 其他 at the end of a scrolling list
  return <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder="请选择" loading={d.loading} options={d.items.filter((i) => i.enabled).map((i) => ({ value: i.code, label: i.label }))} {...rest} />;
}

/**
 * Another household of the register, found by head name or household number among those the
 * caller may see — a clerk never has to know the internal id behind a household page.
 */
export function HouseholdPicker({ exclude, ...rest }: { exclude?: number } & Omit<SelectProps<number>, 'options' | 'showSearch' | 'filterOption' | 'onSearch'>) {
  const [typed, setTyped] = useState('');
  const [keyword, setKeyword] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setKeyword(typed.trim()), 300);
    return () => clearTimeout(t);
  }, [typed]);
  const q = useQuery({
    queryKey: ['registry', 'household-picker', keyword],
    queryFn: ({ signal }) => registryApi.households({ keyword: keyword || undefined, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  const options = (q.data?.items ?? [])
    .filter((h) => h.id !== exclude && h.status !== 'cancelled')
    .map((h) => ({ value: h.id, label: `${h.headName ?? '（无户主）'}户（${h.villageName ?? ''} ${h.householdNo}）` }));
  return <Select<number> showSearch={{ filterOption: false, onSearch: setTyped }} loading={q.isFetching} options={options} placeholder="输入户主姓名或户编号查找" notFoundContent={q.isFetching ? '查找中…' : '没有找到（只列出您辖区内未注销的户）'} {...rest} />;
}

export const YES_NO = [
  { value: true, label: '是' },
  { value: false, label: '否' },
];

export function yesNo(v: boolean | null | undefined) {
  return v == null ? <span className="muted">未填</span> : v ? '是' : '否';
}

/**
 * A masked value with a “查看” button for those holding registry:person:reveal; the server logs
 * every reveal, so the full value is fetched only on click and only shown here.
 */
export function Masked({ masked, reveal }: { masked: string | null; reveal: () => Promise<string | null> }) {
  const can = useCan();
  const [full, setFull] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!masked) return <span className="muted">—</span>;
  // an ID broken over three lines in a narrow column cannot be read or compared: keep it on one
  if (full) return <span className="mono nowrap">{full}</span>;
  return (
    <span className="nowrap">
      <span className="mono">{masked}</span>
      {can('registry:person:reveal') && (
        <Tooltip title="查看完整信息（将记录操作日志）">
          <Button
            type="link"
            size="small"
            icon={<EyeOutlined />}
            loading={busy}
            aria-label="查看完整信息"
            onClick={async () => {
              setBusy(true);
              try {
                setFull(await reveal());
              } finally {
                setBusy(false);
              }
            }}
          />
        </Tooltip>
      )}
    </span>
  );
}

/**
 * Views for the household page's sections that other modules add on the server
 * (registerHouseholdSection). A module registers its component here under the same key; a
 * section without one is shown as a plain table or text.
 */
const sectionViews = new Map<string, ComponentType<{ data: unknown }>>();
export function registerHouseholdSectionView(key: string, view: ComponentType<{ data: unknown }>) {
  sectionViews.set(key, view);
}
export function SectionView({ name, data }: { name: string; data: unknown }): ReactNode {
  const View = sectionViews.get(name);
  if (View) return <View data={data} />;
  return <GenericData data={data} />;
}

function GenericData({ data }: { data: unknown }) {
  if (data == null) return <span className="muted">暂无数据</span>;
  const rows = Array.isArray(data) ? data : typeof data === 'object' && Array.isArray((data as { items?: unknown }).items) ? (data as { items: unknown[] }).items : null;
  if (rows && rows.every((r) => r && typeof r === 'object')) {
    if (!rows.length) return <span className="muted">暂无数据</span>;
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r as object)))].slice(0, 10);
    return (
      <table className="plain-table">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {keys.map((k) => (
                <td key={k}>{fmt((r as Record<string, unknown>)[k])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (typeof data === 'object')
    return (
      <dl className="plain-dl">
        {Object.entries(data as Record<string, unknown>).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{fmt(v)}</dd>
          </div>
        ))}
      </dl>
    );
  return <span>{String(data)}</span>;
}
const fmt = (v: unknown) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
