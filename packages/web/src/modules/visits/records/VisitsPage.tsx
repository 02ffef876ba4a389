import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Drawer, Form, Image, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { useListParams } from '../../../lib/useListParams';
import { useCan, useSessionUser } from '../../../auth/session';
import { visitsApi, type TaskItem, type VisitItem } from '../api';
import { RecordVisitModal } from './RecordVisitModal';
import { CloseTaskModal, CreateTaskModal } from './TaskForms';

const KINDS = [
  { value: 'home', label: '入户走访' },
  { value: 'phone', label: '电话联系' },
  { value: 'other', label: '其他方式' },
];
const CHECK_LABELS: [keyof VisitItem['checks'], string][] = [
  ['food', '吃'],
  ['clothing', '穿'],
  ['schooling', '义务教育'],
  ['medical', '基本医疗'],
  ['housing', '住房安全'],
  ['water', '饮水安全'],
];

function checkTags(c: VisitItem['checks']) {
  return CHECK_LABELS.map(([k, label]) =>
    c[k] === null ? null : (
      <Tag key={k} color={c[k] ? 'green' : 'red'}>
        {label}
        {c[k] ? '' : '有问题'}
      </Tag>
    ),
  );
}

/** 走访记录 of the caller's view, and the follow-up tasks (问题整改) they raised. */
export default function VisitsPage() {
  const list = useListParams();
  const can = useCan();
  // a paired cadre records their own visit here; everyone else records it for a cadre
  const recordLabel = useSessionUser().dataScope === 'self' ? '登记走访' : '代录走访';
  const [open, setOpen] = useState<VisitItem | null>(null);
  const [raise, setRaise] = useState<VisitItem | null>(null);
  const [closing, setClosing] = useState<TaskItem | null>(null);
  const [recording, setRecording] = useState(false);
  const tab = list.filters.tab ?? 'visits';
  const q = useQuery({
    queryKey: ['visits', 'records', list.query],
    queryFn: ({ signal }) => visitsApi.visits({ ...list.query, tab: undefined }, signal),
    placeholderData: keepPreviousData,
    enabled: tab === 'visits',
  });
  const tasks = useQuery({
    queryKey: ['visits', 'tasks', list.query],
    queryFn: ({ signal }) =>
      visitsApi.tasks({ page: list.page, pageSize: list.pageSize, areaCode: list.filters.areaCode, status: list.filters.status, overdue: list.filters.overdue, householdId: list.filters.householdId }, signal),
    placeholderData: keepPreviousData,
    enabled: tab === 'tasks',
  });
  const columns: TableColumnsType<VisitItem> = [
    { title: '日期', dataIndex: 'visitDate', width: 110 },
    { title: '村', dataIndex: 'villageName' },
    { title: '户主', dataIndex: 'headName' },
    { title: '帮扶干部', dataIndex: 'cadreName' },
    { title: '方式', dataIndex: 'kindLabel' },
    { title: '两不愁三保障', key: 'checks', render: (_, r) => <Space size={2} wrap>{checkTags(r.checks)}</Space> },
    { title: '发现的问题', dataIndex: 'problems', ellipsis: true },
    { title: '满意度', dataIndex: 'satisfactionLabel' },
    { title: '照片', key: 'photos', render: (_, r) => r.photos.length || '' },
    {
      title: '',
      key: 'open',
      width: 70,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setOpen(r)}>
          详情
        </Button>
      ),
    },
  ];
  const taskColumns: TableColumnsType<TaskItem> = [
    { title: '村', dataIndex: 'villageName' },
    { title: '户主', dataIndex: 'headName' },
    { title: '问题', dataIndex: 'problem' },
    { title: '类别', dataIndex: 'categoryLabel' },
    { title: '责任人', key: 'owner', render: (_, r) => r.ownerCadreName ?? r.ownerUserName },
    { title: '期限', dataIndex: 'deadline', render: (v, r) => (r.overdue ? <Tag color="red">{v} 已逾期</Tag> : v) },
    { title: '状态', dataIndex: 'status', render: (v, r) => (v === 'open' ? <Tag color="orange">整改中</Tag> : <Tag color="green">已销号 {r.closedOn}</Tag>) },
    { title: '佐证', dataIndex: 'evidence', ellipsis: true },
    {
      title: '',
      key: 'close',
      width: 70,
      render: (_, r) =>
        r.status === 'open' &&
        can('visit:task:edit') && (
          <Button type="link" size="small" onClick={() => setClosing(r)}>
            销号
          </Button>
        ),
    },
  ];
  return (
    <ListCard
      title={tab === 'visits' ? '走访记录' : '问题整改'}
      total={tab === 'visits' ? q.data?.total : tasks.data?.total}
      filters={
        <FilterBar filters={list.filters} onSearch={(v) => list.setFilters({ ...v, tab })}>
          {/* 帮扶责任人 (data scope 本人) may not browse areas: the picker would only answer 403 */}
          {can('system:area:view') && (
            <Form.Item label="区划" name="areaCode">
              <AreaTreeSelect style={{ width: 220 }} placeholder="全部" />
            </Form.Item>
          )}
          {tab === 'visits' ? (
            <>
              <Form.Item label="方式" name="kind">
                <Select options={KINDS} allowClear placeholder="全部" style={{ width: 120 }} />
              </Form.Item>
              <Form.Item label="只看有问题的" name="withProblems">
                <Select options={[{ value: 'true', label: '是' }]} allowClear placeholder="否" style={{ width: 80 }} />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item label="状态" name="status">
                <Select options={[{ value: 'open', label: '整改中' }, { value: 'closed', label: '已销号' }]} allowClear placeholder="全部" style={{ width: 110 }} />
              </Form.Item>
              <Form.Item label="只看逾期" name="overdue">
                <Select options={[{ value: 'true', label: '是' }]} allowClear placeholder="否" style={{ width: 80 }} />
              </Form.Item>
            </>
          )}
        </FilterBar>
      }
      actions={
        <Space>
          {can('visit:record') && (
            <Button type="primary" onClick={() => setRecording(true)}>
              {recordLabel}
            </Button>
          )}
          <Select
            value={tab}
            style={{ width: 120 }}
            onChange={(v) => list.setFilters({ tab: v })}
            options={[
              { value: 'visits', label: '走访记录' },
              { value: 'tasks', label: '问题整改' },
            ]}
          />
        </Space>
      }
    >
      {tab === 'visits' ? (
        <Table<VisitItem> rowKey="id" size="middle" columns={columns} dataSource={q.data?.items} loading={q.isFetching} pagination={list.pagination(q.data?.total)} onChange={list.onTableChange as never} scroll={{ x: 1100 }} />
      ) : (
        <Table<TaskItem> rowKey="id" size="middle" columns={taskColumns} dataSource={tasks.data?.items} loading={tasks.isFetching} pagination={list.pagination(tasks.data?.total)} onChange={list.onTableChange as never} scroll={{ x: 1000 }} />
      )}
      {open && (
        <Drawer
          open
          width={520}
          title={`${open.headName ?? ''} ${open.visitDate} ${open.kindLabel}`}
          onClose={() => setOpen(null)}
          extra={
            can('visit:task:edit') && (
              <Button type="primary" onClick={() => setRaise(open)}>
                交办整改
              </Button>
            )
          }
        >
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label="帮扶干部">
              {open.cadreName}（{open.unitName}）
            </Descriptions.Item>
            <Descriptions.Item label="两不愁三保障">
              <Space size={2} wrap>
                {checkTags(open.checks)}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label="收入变化">{open.incomeChange ? { up: '增加', same: '持平', down: '减少' }[open.incomeChange] : '未问'}</Descriptions.Item>
            <Descriptions.Item label="发现的问题">{open.problems ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="帮扶措施">{open.helpGiven ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="宣讲政策">{open.policiesExplained ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="满意度">{open.satisfactionLabel ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="定位">{open.gps ? `${open.gps.lat.toFixed(5)}, ${open.gps.lng.toFixed(5)}` : '—'}</Descriptions.Item>
            <Descriptions.Item label="来源">
              {open.source === 'sync' ? '手机离线同步' : '网页登记'}
              {open.householdConflict && <Tag color="orange" style={{ marginLeft: 8 }}>户信息冲突，变更未应用</Tag>}
            </Descriptions.Item>
          </Descriptions>
          {open.photos.length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                照片
              </Typography.Title>
              <Image.PreviewGroup>
                <Space wrap>
                  {open.photos.map((p) => (
                    <Image key={p.id} src={p.url} width={120} height={120} style={{ objectFit: 'cover' }} alt="走访照片" />
                  ))}
                </Space>
              </Image.PreviewGroup>
            </>
          )}
        </Drawer>
      )}
      {raise && <CreateTaskModal visit={raise} onClose={() => setRaise(null)} />}
      {recording && <RecordVisitModal title={recordLabel} onClose={() => setRecording(false)} />}
      {closing && <CloseTaskModal task={closing} onClose={() => setClosing(null)} />}
    </ListCard>
  );
}
