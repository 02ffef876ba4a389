import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Row, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { daysInMonth, todayInChina, weekdayOf } from '@fupin/shared/date';
import { api } from '../../../api/client';
import { calendarFieldLabels, overrideBody, type AddWorkingDays, type CalendarDay, type CalendarYear, type OverrideBody } from '../../../api/contract';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { parseForm, zodRules } from '../../../lib/form';
import './calendar.css';

const rules = zodRules(overrideBody);

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];
const WEEKDAY_NAME = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const pad = (n: number) => String(n).padStart(2, '0');

export default function CalendarPage() {
  const can = useCan();
  const editable = can('system:calendar:edit');
  const [sp, setSp] = useSearchParams();
  const thisYear = Number(todayInChina().slice(0, 4));
  const year = Number(sp.get('year')) || thisYear;
  const setYear = (y: number) => setSp({ year: String(y) });
  const [editing, setEditing] = useState<string | null>(null);

  const q = useQuery({
    queryKey: ['calendar', year],
    queryFn: ({ signal }) => api.get<CalendarYear>('/api/calendar', { year }, signal),
  });
  const byDate = useMemo(() => new Map((q.data?.days ?? []).map((d) => [d.date, d])), [q.data]);
  const holidays = (q.data?.days ?? []).filter((d) => d.kind === 'holiday').length;
  const workdays = (q.data?.days ?? []).filter((d) => d.kind === 'workday').length;
  const overrides = (q.data?.days ?? []).filter((d) => d.source === 'override').length;
  const today = todayInChina();

  const columns: TableColumnsType<CalendarDay> = [
    { title: '日期', dataIndex: 'date', sorter: (a, b) => a.date.localeCompare(b.date), defaultSortOrder: 'ascend' },
    { title: '星期', key: 'weekday', render: (_, d) => WEEKDAY_NAME[weekdayOf(d.date)] },
    {
      title: '类型',
      dataIndex: 'kind',
      filters: [
        { text: '休息日', value: 'holiday' },
        { text: '调休上班', value: 'workday' },
      ],
      onFilter: (v, d) => d.kind === v,
      render: (k) => (k === 'holiday' ? <Tag color="red">休息日</Tag> : <Tag color="orange">调休上班</Tag>),
    },
    { title: '说明', dataIndex: 'note', render: (v) => v ?? '' },
    {
      title: '来源',
      dataIndex: 'source',
      filters: [
        { text: '国务院安排', value: 'builtin' },
        { text: '本地调整', value: 'override' },
      ],
      onFilter: (v, d) => d.source === v,
      render: (s) => (s === 'override' ? <Tag color="blue">本地调整</Tag> : '国务院安排'),
    },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'a',
            width: 80,
            render: (_: unknown, d: CalendarDay) => (
              <Button type="link" size="small" onClick={() => setEditing(d.date)}>
                调整
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space wrap>
            <Button icon={<LeftOutlined />} aria-label="上一年" onClick={() => setYear(year - 1)} />
            <Typography.Title level={4} style={{ margin: 0 }}>
              {year} 年工作日历
            </Typography.Title>
            <Button icon={<RightOutlined />} aria-label="下一年" onClick={() => setYear(year + 1)} />
            {year !== thisYear && <Button onClick={() => setYear(thisYear)}>今年</Button>}
          </Space>
        }
        extra={
          <Space wrap className="cal-legend">
            <span>
              <i className="cal-dot holiday" />
              休息日（节假日）{holidays} 天
            </span>
            <span>
              <i className="cal-dot workday" />
              调休上班 {workdays} 天
            </span>
            <span>
              <i className="cal-dot override" />
              本地调整 {overrides} 天
            </span>
          </Space>
        }
        loading={q.isLoading}
      >
        {q.data && !q.data.published && (
          <Typography.Paragraph type="warning">
            {year} 年的节假日安排尚未内置（国务院通常在上一年 11 月公布），请按通知逐日调整。
          </Typography.Paragraph>
        )}
        <Row gutter={[16, 16]}>
          {Array.from({ length: 12 }, (_, i) => (
            <Col xs={24} sm={12} lg={8} xxl={6} key={i}>
              <MonthGrid year={year} month={i + 1} byDate={byDate} today={today} onPick={editable ? setEditing : undefined} />
            </Col>
          ))}
        </Row>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          周一至周五为工作日，周六、周日为休息日；表中只标出例外。{editable ? '点击某一天可调整。' : ''}期限按工作日计算时以此为准。
        </Typography.Paragraph>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card title={`例外日期（共 ${q.data?.days.length ?? 0} 天）`}>
            <Table<CalendarDay> rowKey="date" size="small" columns={columns} dataSource={q.data?.days} pagination={{ pageSize: 15, showTotal: (t) => `共 ${t} 条` }} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <WorkingDayCalculator />
        </Col>
      </Row>
      {editing && <OverrideModal date={editing} current={byDate.get(editing)} onClose={() => setEditing(null)} />}
    </Space>
  );
}

function MonthGrid({
  year,
  month,
  byDate,
  today,
  onPick,
}: {
  year: number;
  month: number;
  byDate: Map<string, CalendarDay>;
  today: string;
  onPick?: (date: string) => void;
}) {
  const first = `${year}-${pad(month)}-01`;
  // Weeks start on Monday, as on Chinese wall calendars.
  const lead = (weekdayOf(first) + 6) % 7;
  const n = daysInMonth(year, month);
  const cells: (string | null)[] = [...Array(lead).fill(null), ...Array.from({ length: n }, (_, i) => `${year}-${pad(month)}-${pad(i + 1)}`)];
  while (cells.length % 7) cells.push(null);
  return (
    <div className="cal-month" role="grid" aria-label={`${year}年${month}月`}>
      <div className="cal-month-title">{month} 月</div>
      <div className="cal-row cal-head" role="row">
        {WEEK.map((w, i) => (
          <div key={w} role="columnheader" className={i >= 5 ? 'weekend' : undefined}>
            {w}
          </div>
        ))}
      </div>
      {Array.from({ length: cells.length / 7 }, (_, r) => (
        <div className="cal-row" role="row" key={r}>
          {cells.slice(r * 7, r * 7 + 7).map((date, i) => {
            if (!date) return <div key={i} className="cal-cell empty" role="gridcell" />;
            const d = byDate.get(date);
            const weekend = i >= 5;
            const off = d ? d.kind === 'holiday' : weekend;
            const cls = ['cal-cell', off ? 'off' : 'on', d?.kind === 'holiday' ? 'holiday' : '', d?.kind === 'workday' ? 'workday' : '', d?.source === 'override' ? 'override' : '', date === today ? 'today' : '']
              .filter(Boolean)
              .join(' ');
            const label = `${date} ${d ? (d.kind === 'holiday' ? '休息日' : '调休上班') : off ? '周末' : '工作日'}${d?.note ? ` ${d.note}` : ''}`;
            return (
              <div
                key={date}
                role="gridcell"
                className={cls}
                title={label}
                aria-label={label}
                tabIndex={onPick ? 0 : undefined}
                onClick={onPick ? () => onPick(date) : undefined}
                onKeyDown={onPick ? (e) => (e.key === 'Enter' || e.key === ' ') && onPick(date) : undefined}
              >
                <span className="cal-day">{Number(date.slice(8))}</span>
                {d && <span className="cal-mark">{d.kind === 'holiday' ? '休' : '班'}</span>}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

function OverrideModal({ date, current, onClose }: { date: string; current?: CalendarDay; onClose: () => void }) {
  const qc = useQueryClient();
  const [form] = Form.useForm<OverrideBody>();
  const weekend = [0, 6].includes(weekdayOf(date));
  const done = async (text: string) => {
    feedback.message.success(text);
    await qc.invalidateQueries({ queryKey: ['calendar'] });
    onClose();
  };
  const put = useMutation({
    mutationFn: (body: OverrideBody) => api.put(`/api/calendar/overrides/${date}`, body),
    onSuccess: () => done('已保存'),
    meta: { form, fieldLabels: calendarFieldLabels },
  });
  const del = useMutation({
    mutationFn: () => api.delete(`/api/calendar/overrides/${date}`),
    onSuccess: () => done('已恢复默认'),
  });
  return (
    <Modal
      open
      title={`调整 ${date}（${WEEKDAY_NAME[weekdayOf(date)]}）`}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          {current?.source === 'override' && (
            <Button danger loading={del.isPending} onClick={() => del.mutate()}>
              恢复默认
            </Button>
          )}
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={put.isPending} onClick={() => form.submit()}>
            保存
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        当前：{current ? `${current.kind === 'holiday' ? '休息日' : '调休上班'}${current.note ? `（${current.note}）` : ''}，${current.source === 'override' ? '本地调整' : '国务院安排'}` : weekend ? '周末（休息）' : '工作日'}
      </Typography.Paragraph>
      <Form name="override" form={form} layout="vertical" initialValues={{ kind: current?.kind ?? (weekend ? 'workday' : 'holiday'), note: current?.note ?? '' }} onFinish={(v) => {
          const body = parseForm(form, overrideBody, { ...v, note: v.note?.trim() || null });
          if (body) put.mutate(body);
        }}
      >
        <Form.Item label={calendarFieldLabels.kind} name="kind" rules={rules.kind}>
          <Radio.Group
            options={[
              { value: 'holiday', label: '休息日' },
              { value: 'workday', label: '工作日（调休上班）' },
            ]}
          />
        </Form.Item>
        <Form.Item label={calendarFieldLabels.note} name="note" rules={rules.note}>
          <Input placeholder="如：国庆节、国庆调休" maxLength={50} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** "n working days after date" — the rule every deadline in the system uses. */
function WorkingDayCalculator() {
  const [date, setDate] = useState(todayInChina());
  const [n, setN] = useState(5);
  const q = useQuery({
    queryKey: ['calendar', 'add', date, n],
    queryFn: ({ signal }) => api.get<AddWorkingDays>('/api/calendar/add-working-days', { date, n }, signal),
    enabled: !!date && Number.isInteger(n),
  });
  return (
    <Card title="工作日推算">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <DatePicker aria-label="起始日期" value={dayjs(date)} allowClear={false} onChange={(d) => d && setDate(d.format('YYYY-MM-DD'))} />
          <span>后第</span>
          <InputNumber aria-label="工作日数" min={-3660} max={3660} precision={0} value={n} onChange={(v) => setN(v ?? 0)} style={{ width: 90 }} />
          <span>个工作日</span>
        </Space>
        <Typography.Text>
          是：
          <Typography.Text strong data-testid="working-day-result">
            {q.data ? `${q.data.result}（${WEEKDAY_NAME[weekdayOf(q.data.result)]}）` : q.isFetching ? '计算中…' : '—'}
          </Typography.Text>
        </Typography.Text>
        <Typography.Text type="secondary">起始当天不计入。</Typography.Text>
      </Space>
    </Card>
  );
}
