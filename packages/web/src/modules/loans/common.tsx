import { InputNumber, Select, Space, Tag, Tooltip } from 'antd';
import { useSearchParams } from 'react-router';
import { todayInChina } from '@fupin/shared/date';
import { useSessionUser } from '../../auth/session';
import { AreaTreeSelect } from '../../components/AreaTreeSelect';
import { formatYuan } from '../../lib/format';

export const THIS_YEAR = Number(todayInChina().slice(0, 4));
export const THIS_QUARTER = Math.floor((Number(todayInChina().slice(5, 7)) - 1) / 3) + 1;
export const S = '到户贷款';

/** Fen shown as yuan with two decimals, right-aligned in tables. */
export function Money({ fen }: { fen: number | null | undefined }) {
  return <span className="num">{formatYuan(fen ?? null)}</span>;
}

export const LIFECYCLE_COLOR: Record<string, string> = {
  submitted: 'processing',
  returned: 'warning',
  approved: 'cyan',
  rejected: 'default',
  withdrawn: 'default',
  active: 'blue',
  overdue: 'red',
  closed_on_time: 'green',
  closed_late: 'orange',
  written_off: 'magenta',
};

export function StatusTag({ status, label }: { status: string; label: string }) {
  return <Tag color={LIFECYCLE_COLOR[status] ?? 'default'}>{label}</Tag>;
}

/** Deadline, working days left, red when overdue (ui.md: overdue first, in red). */
export function DeadlineTag({ deadline }: { deadline: { dueDate: string; workingDaysLeft: number; overdue: boolean; remind: boolean } | null }) {
  if (!deadline) return <span>—</span>;
  if (deadline.overdue)
    return (
      <Tag color="red">
        {deadline.dueDate} 已逾期 {-deadline.workingDaysLeft} 个工作日
      </Tag>
    );
  return (
    <Tooltip title="剩余工作日（不含今天，遇节假日与调休按工作日历）">
      <Tag color={deadline.remind ? 'orange' : 'default'}>
        {deadline.dueDate} 剩 {deadline.workingDaysLeft} 个工作日
      </Tag>
    </Tooltip>
  );
}

/**
 * The county the loans pages work on: the user's own county, or (for province/system users)
 * one picked on the page and kept in the URL.
 */
export function useCounty(): { countyCode: string | null; picker: React.ReactNode } {
  const user = useSessionUser();
  const [sp, setSp] = useSearchParams();
  const picked = sp.get('county');
  const countyCode = user.countyCode ?? picked;
  const picker = user.countyCode ? null : (
    <AreaTreeSelect
      style={{ width: 240 }}
      placeholder="选择县（区）"
      value={picked}
      onChange={(v) =>
        setSp((prev) => {
          const next = new URLSearchParams(prev);
          if (typeof v === 'string' && v.length === 6) next.set('county', v);
          else next.delete('county');
          return next;
        })
      }
    />
  );
  return { countyCode, picker };
}

/** The township a township user works in; county users pick one (kept in the URL). */
export function useTownship(countyCode: string | null): { townshipCode: string | null; picker: React.ReactNode } {
  const user = useSessionUser();
  const [sp, setSp] = useSearchParams();
  const own = user.areaCode && user.areaCode.length >= 9 ? user.areaCode.slice(0, 9) : null;
  const picked = sp.get('township');
  const townshipCode = own ?? picked;
  const picker = own ? null : (
    <AreaTreeSelect
      style={{ width: 220 }}
      placeholder={countyCode ? '选择乡镇' : '先选择县'}
      value={picked}
      onChange={(v) =>
        setSp((prev) => {
          const next = new URLSearchParams(prev);
          if (typeof v === 'string' && v.length === 9) next.set('township', v);
          else next.delete('township');
          return next;
        })
      }
    />
  );
  return { townshipCode, picker };
}

/** Year and quarter kept in the URL. */
export function usePeriod(opts: { quarter?: boolean; month?: boolean } = {}) {
  const [sp, setSp] = useSearchParams();
  const year = Number(sp.get('year')) || THIS_YEAR;
  const quarter = Number(sp.get('quarter')) || THIS_QUARTER;
  const month = Number(sp.get('month')) || Number(todayInChina().slice(5, 7));
  const set = (k: string, v: number) =>
    setSp((prev) => {
      const next = new URLSearchParams(prev);
      next.set(k, String(v));
      return next;
    });
  const picker = (
    <Space>
      <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && set('year', v)} addonAfter="年" style={{ width: 120 }} />
      {opts.quarter && (
        <Select
          aria-label="季度"
          value={quarter}
          style={{ width: 110 }}
          onChange={(v) => set('quarter', v)}
          options={[1, 2, 3, 4].map((q) => ({ value: q, label: `第${'一二三四'[q - 1]}季度` }))}
        />
      )}
      {opts.month && (
        <Select aria-label="月份" value={month} style={{ width: 90 }} onChange={(v) => set('month', v)} options={Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: `${i + 1} 月` }))} />
      )}
    </Space>
  );
  return { year, quarter, month, picker };
}

export const bp = (v: number | null | undefined) => (v == null ? '—' : `${(v / 100).toFixed(2)}%`);
