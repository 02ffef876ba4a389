import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Checkbox, Dropdown, Form, Input, Select, Table, Tabs, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatYuan } from '../../../lib/format';
import { useListParams } from '../../../lib/useListParams';
import { downloadUrl, registryApi, STATUS_OPTIONS, type Household } from '../api';
import { DictSelect, StatusTag } from '../components';
import { HouseholdDrawer } from './HouseholdForm';

/** 农户档案: the filtered, paged register with counts by status on top. */
export default function HouseholdsPage() {
  const can = useCan();
  const list = useListParams({ sort: 'name', order: 'asc' });
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState(false);
  const q = useQuery({
    queryKey: ['registry', 'households', list.query],
    queryFn: ({ signal }) => registryApi.households(list.query, signal),
    placeholderData: keepPreviousData,
  });
  const counts = q.data?.statusCounts ?? {};
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  const status = list.filters.status ?? '';
  const { status: _s, ...otherFilters } = list.filters;
  void _s;

  const columns: TableColumnsType<Household> = [
    {
      title: '户主',
      dataIndex: 'headName',
      key: 'name',
      sorter: true,
      sortOrder: list.sortOrderOf('name'),
      render: (v, h) => <Link to={`/registry/households/${h.id}`}>{v ?? '（无户主）'}</Link>,
    },
    { title: '户编号', dataIndex: 'householdNo', key: 'householdNo', sorter: true, sortOrder: list.sortOrderOf('householdNo'), render: (v) => <span className="mono">{v}</span> },
    { title: '户主身份证号', dataIndex: 'headIdNumberMasked', render: (v) => <span className="mono">{v ?? '—'}</span> },
    { title: '所在地', key: 'place', render: (_, h) => [h.townshipName, h.villageName, h.groupName].filter(Boolean).join(' / ') },
    { title: '人口', dataIndex: 'memberCount', key: 'memberCount', sorter: true, sortOrder: list.sortOrderOf('memberCount'), width: 70 },
    { title: '属性', dataIndex: 'categoryLabel' },
    { title: '主要致贫原因', dataIndex: 'mainCauseLabel', render: (v) => v ?? '—' },
    { title: '状态', dataIndex: 'status', key: 'status', render: (v, h) => <StatusTag status={v} label={h.statusLabel} /> },
    {
      title: '人均纯收入（元）',
      dataIndex: 'netIncomePerCapitaFen',
      key: 'netIncomePerCapita',
      align: 'right',
      sorter: true,
      sortOrder: list.sortOrderOf('netIncomePerCapita'),
      render: (v) => formatYuan(v),
    },
    { title: '电话', dataIndex: 'phoneMasked', render: (v) => v ?? '—' },
    {
      title: '数据质量',
      dataIndex: 'qualityIssueCount',
      render: (v: number) => (v ? <Tooltip title="打开户页面查看问题"><Badge count={v} color="orange" /></Tooltip> : <Tag color="green">无问题</Tag>),
    },
  ];

  const exportQuery = (kind: 'households' | 'members') => ({ ...list.filters, kind, reveal: reveal ? 'true' : undefined });

  return (
    <ListCard
      title="农户档案"
      total={q.data?.total}
      actions={
        <>
          {can('registry:household:export') && (
            <>
              {can('registry:person:reveal') && (
                <Tooltip title="导出完整身份证号码和电话（将记录操作日志）">
                  <Checkbox checked={reveal} onChange={(e) => setReveal(e.target.checked)}>
                    含完整证件号
                  </Checkbox>
                </Tooltip>
              )}
              <Dropdown
                menu={{
                  items: [
                    { key: 'households', label: '农户花名册（每户一行）' },
                    { key: 'members', label: '家庭成员花名册（每人一行）' },
                  ],
                  onClick: ({ key }) => downloadUrl('/api/registry/households/export.xlsx', exportQuery(key as 'households' | 'members')),
                }}
              >
                <Button icon={<DownloadOutlined />}>导出花名册</Button>
              </Dropdown>
            </>
          )}
          {can('registry:household:edit') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建农户
            </Button>
          )}
        </>
      }
      filters={
        <FilterBar filters={otherFilters} onSearch={(v) => list.setFilters({ ...v, status: status || undefined })} toForm={(f) => ({ ...f, hasIssues: f.hasIssues })}>
          {/* a cadre (帮扶责任人) sees only their paired households and may not browse areas */}
          {can('system:area:view') && (
            <Form.Item label="区划" name="areaCode">
              <AreaTreeSelect style={{ width: 200 }} placeholder="全部" />
            </Form.Item>
          )}
          <Form.Item label="户主/户编号" name="keyword">
            <Input allowClear style={{ width: 150 }} />
          </Form.Item>
          <Form.Item label="身份证号" name="idNumber">
            <Input allowClear style={{ width: 190 }} placeholder="精确查找任一成员" />
          </Form.Item>
          <Form.Item label="属性" name="category">
            <DictSelect type="household_category" style={{ width: 140 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="致贫原因" name="cause">
            <DictSelect type="poverty_cause" style={{ width: 130 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="成员健康" name="health">
            <DictSelect type="health" style={{ width: 120 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="劳动力" name="labour">
            <DictSelect type="labour" style={{ width: 130 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="数据质量" name="hasIssues">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={[{ value: 'true', label: '有问题' }, { value: 'false', label: '无问题' }]} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Tabs
        activeKey={status || 'all'}
        onChange={(k) => list.setFilters({ ...otherFilters, status: k === 'all' ? undefined : k })}
        items={[{ key: 'all', label: `全部 ${all}` }, ...STATUS_OPTIONS.map((s) => ({ key: s.value, label: `${s.label} ${counts[s.value] ?? 0}` }))]}
      />
      <Table<Household>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={q.data?.items}
        loading={q.isFetching}
        pagination={list.pagination(q.data?.total)}
        onChange={list.onTableChange as never}
        scroll={{ x: 1300 }}
      />
      {creating && <HouseholdDrawer household={null} onClose={() => setCreating(false)} />}
    </ListCard>
  );
}
