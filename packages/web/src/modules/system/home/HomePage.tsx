import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Col, Empty, List, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { TodoItem, TodoResponse, TodoSection } from '@fupin/server/src/home/schemas';
import { lazy, Suspense, useMemo } from 'react';
import { todayInChina, weekdayOf } from '@fupin/shared/date';
import { api } from '../../../api/client';
import { useDict } from '../../../api/dicts';
import type { DashboardSummary } from '../../../api/contract';
import { DATA_SCOPE_LABELS, useSessionUser } from '../../../auth/session';
import type { EChartsOption } from '../../../components/charts/Chart';

const Chart = lazy(() => import('../../../components/charts/Chart'));

/**
 * GET /api/dashboard/summary (server: dashboard/schemas.ts). `byTownship` — households by
 * status per township — is not in the server's response yet; when it is added the chart shows
 * one stacked bar per township, until then one bar per status for the whole jurisdiction.
 */
export type Summary = DashboardSummary & {
  byTownship?: { code: string; name: string; byStatus: Record<string, number> }[];
};

const WEEKDAY = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

export function figuresOf(s: DashboardSummary) {
  return [
    { key: 'households', label: '建档立卡户', value: s.households.total, unit: '户' },
    { key: 'persons', label: '建档立卡人口', value: s.persons, unit: '人' },
    ...s.households.byStatus.map((b) => ({ key: `status:${b.status}`, label: b.label || b.status, value: b.count, unit: '户' })),
    { key: 'townships', label: '乡镇', value: s.areas.townships, unit: '个' },
    { key: 'villages', label: '行政村', value: s.areas.villages, unit: '个' },
    { key: 'groups', label: '村民小组', value: s.areas.groups, unit: '个' },
    { key: 'orgs', label: '机构', value: s.orgs, unit: '个' },
    { key: 'users', label: '在用账号', value: s.users.active, unit: `/ ${s.users.total}` },
  ];
}

export default function HomePage() {
  const user = useSessionUser();
  const status = useDict('household_status');
  const q = useQuery({
    queryKey: ['dashboard', 'summary'],
    queryFn: ({ signal }) => api.get<Summary>('/api/dashboard/summary', undefined, signal),
    // Not every role may read it; the page then shows the greeting only.
    meta: { silent: true },
  });
  const today = todayInChina();
  const s = q.data;
  const figures = s ? figuresOf(s) : [];
  const scopeName = s?.roots.map((r) => r.name).join('、');

  const option = useMemo<EChartsOption | null>(() => {
    if (!s || s.households.total === 0) return null;
    const rows = s.byTownship ?? [];
    if (!rows.length) {
      return {
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 8, right: 16, bottom: 8, top: 24, containLabel: true },
        xAxis: { type: 'category', data: s.households.byStatus.map((b) => b.label || status.label(b.status)) },
        yAxis: { type: 'value', name: '户数', minInterval: 1 },
        series: [{ name: '户数', type: 'bar', barMaxWidth: 48, data: s.households.byStatus.map((b) => b.count), label: { show: true, position: 'top' } }],
      };
    }
    const statuses = [...new Set(rows.flatMap((r) => Object.keys(r.byStatus)))];
    const order = status.items.map((i) => i.code);
    statuses.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 } },
      yAxis: { type: 'value', name: '户数', minInterval: 1 },
      series: statuses.map((st) => ({
        name: status.label(st),
        type: 'bar',
        stack: 'households',
        barMaxWidth: 36,
        emphasis: { focus: 'series' },
        data: rows.map((r) => r.byStatus[st] ?? 0),
      })),
    };
  }, [s, status]);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Space orientation="vertical" size={4}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            您好，{user.name}
          </Typography.Title>
          <Space wrap>
            <Typography.Text type="secondary">
              {today} {WEEKDAY[weekdayOf(today)]}
            </Typography.Text>
            {user.orgName && <Tag>{user.orgName}</Tag>}
            {user.areaName && <Tag color="geekblue">{user.areaName}</Tag>}
            <Tag color="blue">{DATA_SCOPE_LABELS[user.dataScope]}</Tag>
            {user.roles.map((r) => (
              <Tag key={r.code}>{r.name}</Tag>
            ))}
          </Space>
        </Space>
      </Card>

      <TodoCard />

      <Card title={`关键数据${scopeName ? ` — ${scopeName}` : ''}`} extra={s && <Tag color="blue">{s.dataScopeLabel}</Tag>}>
        {q.isLoading ? (
          <Skeleton active />
        ) : q.isError ? (
          <Alert type="info" showIcon title={`暂时无法读取关键数据：${q.error.message}`} />
        ) : figures.length === 0 ? (
          <Empty description="您的管辖范围内还没有数据" />
        ) : (
          <Row gutter={[16, 16]}>
            {figures.map((f) => (
              <Col xs={12} sm={8} md={6} xl={4} key={f.key}>
                <Statistic title={f.label} value={f.value} suffix={f.unit} groupSeparator="," />
              </Col>
            ))}
          </Row>
        )}
      </Card>

      {option && (
        <Card title={s?.byTownship?.length ? '各乡镇建档立卡户（按状态）' : '建档立卡户（按状态）'}>
          <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
            <Chart option={option} height={360} ariaLabel="建档立卡户按状态的柱状图" />
          </Suspense>
        </Card>
      )}
    </Space>
  );
}

function DueText({ item }: { item: TodoItem }) {
  if (!item.dueDate) return null;
  const unit = item.daysKind === 'working' ? '个工作日' : '天';
  const left =
    item.daysLeft == null ? '' : item.overdue ? `，已超期 ${Math.abs(item.daysLeft)} ${unit}` : `，剩 ${item.daysLeft} ${unit}`;
  return (
    <Typography.Text type={item.overdue ? 'danger' : 'secondary'} className={item.overdue ? 'todo-overdue' : undefined}>
      期限 {item.dueDate}
      {left}
    </Typography.Text>
  );
}

/** 我的待办 (GET /api/home/todo): what waits for me in each module, overdue first, each linking to where it is done. */
function TodoCard() {
  const q = useQuery({
    queryKey: ['home', 'todo'],
    queryFn: ({ signal }) => api.get<TodoResponse>('/api/home/todo', undefined, signal),
  });
  const sections = [...(q.data?.sections ?? [])].sort((a, b) => Number(b.overdue > 0) - Number(a.overdue > 0));
  const total = sections.reduce((n, s) => n + (s.key === 'quality' ? 0 : s.count), 0);
  return (
    <Card title={<span data-testid="home-todo-title">我的待办{q.data ? `（${total}）` : ''}</span>}>
      {q.isLoading ? (
        <Skeleton active />
      ) : q.isError ? (
        <Alert type="warning" showIcon title={`暂时无法读取待办：${q.error.message}`} />
      ) : sections.every((s) => s.count === 0) ? (
        <Empty description="暂无待办事项" />
      ) : (
        <Row gutter={[16, 16]}>
          {sections
            .filter((s) => s.count > 0)
            .map((s) => (
              <Col xs={24} lg={12} key={s.key}>
                <TodoList section={s} />
              </Col>
            ))}
        </Row>
      )}
    </Card>
  );
}

function TodoList({ section: s }: { section: TodoSection }) {
  const overdueLabel = s.key === 'quality' ? '错误' : '超期';
  return (
    <List<TodoItem>
      size="small"
      bordered
      data-testid={`todo-${s.key}`}
      header={
        <Space>
          <Link to={s.link}>
            <b>{s.title}</b>
          </Link>
          <Badge count={s.count} overflowCount={9999} color="blue" showZero />
          {s.overdue > 0 && <Tag color="red">{`${overdueLabel} ${s.overdue}`}</Tag>}
        </Space>
      }
      dataSource={[...s.items].sort((a, b) => Number(b.overdue) - Number(a.overdue))}
      locale={{ emptyText: <Link to={s.link}>查看全部 {s.count} 条</Link> }}
      footer={s.items.length && s.count > s.items.length ? <Link to={s.link}>查看全部 {s.count} 条</Link> : undefined}
      renderItem={(i) => (
        <List.Item>
          <Space orientation="vertical" size={0}>
            <Link to={i.link}>{i.title}</Link>
            <Space wrap size={8}>
              {i.detail && <Typography.Text type="secondary">{i.detail}</Typography.Text>}
              <DueText item={i} />
            </Space>
          </Space>
        </List.Item>
      )}
    />
  );
}
