import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Descriptions, Drawer, Form, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, type Paged } from '../../../api/client';
import {
  areaFieldLabels,
  calendarFieldLabels,
  dictFieldLabels,
  orgFieldLabels,
  paramFieldLabels,
  roleFieldLabels,
  userFieldLabels,
  type AuditItem,
} from '../../../api/contract';
import { auditActionNames, auditModuleNames } from '../../../app/modules';
import { ExportButton } from '../../../components/ExportButton';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatDateTime } from '../../../lib/format';
import { useListParams } from '../../../lib/useListParams';
import { diffRows, showValue, type DiffRow } from './diff';
import './audit.css';

export type AuditEntry = AuditItem;

// Module names come from every feature module's `auditModules` (app/modules.tsx); an
// unknown code is shown as it is.
const AUDIT_MODULES: Record<string, string> = {
  // Server modules whose web pages are not built yet.
  registry: '建档立卡',
  loan: '到户贷款',
  visits: '结对帮扶',
  ...auditModuleNames,
};
const ACTIONS: Record<string, string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  disable: '停用',
  enable: '启用',
  login: '登录',
  logout: '退出',
  'change-password': '修改密码',
  'reset-password': '重置密码',
  reveal: '查看完整信息（脱敏前）',
  export: '导出',
  import: '导入',
  load: '加载',
  submit: '提交',
  withdraw: '撤回',
  reject: '退回',
  revoke: '撤销',
  ...auditActionNames,
};

// Field names in before/after, in Chinese where the module's server schemas name them.
const FIELD_NAMES: Record<string, Record<string, string>> = {
  areas: { ...areaFieldLabels, level: '级别', parentCode: '上级区划' },
  orgs: orgFieldLabels,
  users: userFieldLabels,
  roles: roleFieldLabels,
  dicts: dictFieldLabels,
  calendar: calendarFieldLabels,
  params: paramFieldLabels,
};
const COMMON_FIELDS: Record<string, string> = { code: '代码', name: '名称', status: '状态', description: '说明', enabled: '启用', sort: '排序号' };
const fieldName = (module: string, f: string) => FIELD_NAMES[module]?.[f] ?? COMMON_FIELDS[f];

const fetchLog = (query: Record<string, unknown>, signal?: AbortSignal) => api.get<Paged<AuditEntry>>('/api/audit-log', query as never, signal);

type FilterForm = { range?: [Dayjs, Dayjs] | null; username?: string; module?: string; keyword?: string };

export default function AuditLogPage() {
  const list = useListParams({ sort: 'at', order: 'desc' });
  const [open, setOpen] = useState<AuditEntry | null>(null);
  // The log is always in time order; only the direction can change (no `sort` parameter).
  const { sort: _sort, ...query } = list.query;
  const q = useQuery({
    queryKey: ['audit-log', query],
    queryFn: ({ signal }) => fetchLog(query, signal),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<AuditEntry> = [
    { title: '时间', dataIndex: 'at', key: 'at', width: 170, sorter: true, sortOrder: list.sortOrderOf('at'), render: (v) => formatDateTime(v) },
    { title: '用户', dataIndex: 'username', width: 120, render: (v) => v ?? <span className="muted">系统</span> },
    { title: 'IP', dataIndex: 'ip', width: 130, render: (v) => v ?? '' },
    { title: '模块', dataIndex: 'module', width: 110, render: (v) => AUDIT_MODULES[v] ?? v },
    { title: '操作', dataIndex: 'action', width: 100, render: (v) => <Tag>{ACTIONS[v] ?? v}</Tag> },
    { title: '摘要', dataIndex: 'summary', ellipsis: true },
    {
      title: '',
      key: 'detail',
      width: 70,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setOpen(r)}>
          详情
        </Button>
      ),
    },
  ];

  return (
    <ListCard
      title="操作日志"
      total={q.data?.total}
      actions={
        <ExportButton<AuditEntry>
          name="操作日志"
          total={q.data?.total}
          fetchPage={(page, pageSize) => fetchLog({ ...query, page, pageSize })}
          columns={[
            { title: '时间', value: (r) => formatDateTime(r.at) },
            { title: '用户', value: (r) => r.username },
            { title: 'IP', value: (r) => r.ip },
            { title: '模块', value: (r) => AUDIT_MODULES[r.module] ?? r.module },
            { title: '操作', value: (r) => ACTIONS[r.action] ?? r.action },
            { title: '对象', value: (r) => `${r.entity}${r.entityId ? ` ${r.entityId}` : ''}` },
            { title: '摘要', value: (r) => r.summary },
          ]}
        />
      }
      filters={
        <FilterBar<FilterForm>
          filters={list.filters}
          onSearch={list.setFilters}
          toForm={(f) => ({ ...f, range: f.from && f.to ? [dayjs(f.from), dayjs(f.to)] : undefined })}
          fromForm={({ range, ...rest }) => ({
            ...rest,
            from: range?.[0]?.format('YYYY-MM-DD'),
            to: range?.[1]?.format('YYYY-MM-DD'),
          })}
        >
          <Form.Item label="时间" name="range">
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item label="用户" name="username">
            <Input placeholder="用户名" allowClear style={{ width: 130 }} />
          </Form.Item>
          <Form.Item label="模块" name="module">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 140 }}
              options={Object.entries(AUDIT_MODULES).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="摘要中的文字" allowClear style={{ width: 180 }} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<AuditEntry>
        rowKey={(r) => `${r.countyCode}-${r.id}`}
        size="middle"
        columns={columns}
        dataSource={q.data?.items}
        loading={q.isFetching}
        pagination={list.pagination(q.data?.total)}
        onChange={list.onTableChange}
        onRow={(r) => ({ onDoubleClick: () => setOpen(r) })}
        scroll={{ x: 1000 }}
      />
      {open && <AuditDrawer entry={open} onClose={() => setOpen(null)} />}
    </ListCard>
  );
}

function AuditDrawer({ entry, onClose }: { entry: AuditEntry; onClose: () => void }) {
  const rows = diffRows(entry.before, entry.after);
  return (
    <Drawer open size={720} title="操作详情" onClose={onClose}>
      <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
        <Descriptions.Item label="时间">{formatDateTime(entry.at)}</Descriptions.Item>
        <Descriptions.Item label="用户">{entry.username ?? '系统'}</Descriptions.Item>
        <Descriptions.Item label="IP">{entry.ip ?? ''}</Descriptions.Item>
        <Descriptions.Item label="模块 / 操作">
          {AUDIT_MODULES[entry.module] ?? entry.module} / {ACTIONS[entry.action] ?? entry.action}
        </Descriptions.Item>
        <Descriptions.Item label="对象">
          {entry.entity} {entry.entityId}
        </Descriptions.Item>
        <Descriptions.Item label="摘要">{entry.summary}</Descriptions.Item>
        <Descriptions.Item label="日志序号">
          {entry.countyCode} #{entry.seq}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>字段变化</Typography.Title>
      <Table<DiffRow>
        rowKey="field"
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: '此操作没有记录字段变化' }}
        rowClassName={(r) => (r.changed ? 'audit-changed' : '')}
        columns={[
          {
            title: '字段',
            dataIndex: 'field',
            width: 160,
            render: (f: string) => (
              <span>
                {fieldName(entry.module, f) ?? f}
                {fieldName(entry.module, f) && (
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                    {f}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          { title: '修改前', dataIndex: 'before', render: (v) => <span className="audit-before">{showValue(v)}</span> },
          { title: '修改后', dataIndex: 'after', render: (v) => <span className="audit-after">{showValue(v)}</span> },
        ]}
      />
    </Drawer>
  );
}
