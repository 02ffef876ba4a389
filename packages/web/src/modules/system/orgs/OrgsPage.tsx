import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Form, Input, Popconfirm, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, type Paged } from '../../../api/client';
import { createOrgBody, orgFieldLabels, updateOrgBody, type CreateOrgBody, type OrgItem, type UpdateOrgBody } from '../../../api/contract';
import { useDict } from '../../../api/dicts';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { ExportButton } from '../../../components/ExportButton';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { OrgSelect } from '../../../components/OrgSelect';
import { changedFields, parseForm, zodRules, settled } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';

const rules = zodRules(createOrgBody);
const STATUS = [
  { value: 'active', label: '启用' },
  { value: 'disabled', label: '停用' },
];

const fetchOrgs = (query: Record<string, unknown>, signal?: AbortSignal) => api.get<Paged<OrgItem>>('/api/orgs', query as never, signal);

export default function OrgsPage() {
  const can = useCan();
  const editable = can('system:org:edit');
  const list = useListParams({ sort: 'name', order: 'asc' });
  const kinds = useDict('org_kind');
  const qc = useQueryClient();
  const [drawer, setDrawer] = useState<{ org: OrgItem | null } | null>(null);

  const q = useQuery({
    queryKey: ['orgs', 'list', list.query],
    queryFn: ({ signal }) => fetchOrgs(list.query, signal),
    placeholderData: keepPreviousData,
  });

  const patch = useMutation({
    mutationFn: ({ id, body }: { id: number; body: UpdateOrgBody }) => api.patch<OrgItem>(`/api/orgs/${id}`, body),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['orgs'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.delete(`/api/orgs/${id}`),
    onSuccess: async () => {
      feedback.message.success('已删除');
      await qc.invalidateQueries({ queryKey: ['orgs'] });
    },
  });

  const columns: TableColumnsType<OrgItem> = [
    { title: '机构名称', dataIndex: 'name', key: 'name', sorter: true, sortOrder: list.sortOrderOf('name') },
    { title: '机构类型', dataIndex: 'kindLabel', key: 'kind', sorter: true, sortOrder: list.sortOrderOf('kind'), render: (v, r) => v ?? kinds.label(r.kind) },
    {
      title: '所在区划',
      key: 'areaCode',
      sorter: true,
      sortOrder: list.sortOrderOf('areaCode'),
      render: (_, r) => (
        <span>
          {r.areaName} <Typography.Text type="secondary">{r.areaCode}</Typography.Text>
        </span>
      ),
    },
    { title: '上级机构', dataIndex: 'parentName', render: (v) => v ?? '—' },
    { title: '电话', dataIndex: 'phone', render: (v) => v ?? '—' },
    { title: '用户数', dataIndex: 'userCount', align: 'right' },
    {
      title: '状态',
      dataIndex: 'status',
      render: (v) => (v === 'active' ? <Badge status="success" text="启用" /> : <Badge status="default" text="停用" />),
    },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 180,
            render: (_: unknown, r: OrgItem) => (
              <Space size={4}>
                <Button type="link" size="small" onClick={() => setDrawer({ org: r })}>
                  编辑
                </Button>
                <Popconfirm
                  title={r.status === 'active' ? `停用「${r.name}」？` : `启用「${r.name}」？`}
                  okText="确定"
                  cancelText="取消"
                  onConfirm={() => settled(patch.mutateAsync({ id: r.id, body: { status: r.status === 'active' ? 'disabled' : 'active' } }))}
                >
                  <Button type="link" size="small">
                    {r.status === 'active' ? '停用' : '启用'}
                  </Button>
                </Popconfirm>
                <Popconfirm
                  title={`删除「${r.name}」？`}
                  description="有用户或下级机构的机构不能删除，请改为停用。"
                  okText="删除"
                  okButtonProps={{ danger: true }}
                  cancelText="取消"
                  onConfirm={() => settled(remove.mutateAsync(r.id))}
                >
                  <Button type="link" size="small" danger>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <ListCard
      title="机构"
      total={q.data?.total}
      actions={
        <>
          <ExportButton<OrgItem>
            name="机构列表"
            total={q.data?.total}
            fetchPage={(page, pageSize) => fetchOrgs({ ...list.query, page, pageSize })}
            columns={[
              { title: '机构名称', value: (r) => r.name },
              { title: '机构类型', value: (r) => r.kindLabel ?? r.kind },
              { title: '所在区划', value: (r) => r.areaName },
              { title: '区划代码', value: (r) => r.areaCode },
              { title: '上级机构', value: (r) => r.parentName },
              { title: '电话', value: (r) => r.phone },
              { title: '用户数', value: (r) => r.userCount },
              { title: '状态', value: (r) => (r.status === 'active' ? '启用' : '停用') },
            ]}
          />
          {editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ org: null })}>
              新增机构
            </Button>
          )}
        </>
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="机构名称" allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label="机构类型" name="kind">
            <Select options={kinds.options} allowClear placeholder="全部" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label="所在区划" name="areaCode">
            <AreaTreeSelect style={{ width: 220 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="状态" name="status">
            <Select options={STATUS} allowClear placeholder="全部" style={{ width: 100 }} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<OrgItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={q.data?.items}
        loading={q.isFetching}
        pagination={list.pagination(q.data?.total)}
        onChange={list.onTableChange}
        scroll={{ x: 900 }}
      />
      {drawer && <OrgDrawer org={drawer.org} kinds={kinds.options} onClose={() => setDrawer(null)} />}
    </ListCard>
  );
}

type FormValues = { name: string; kind: string; areaCode: string; parentId?: number | null; phone?: string | null; status?: 'active' | 'disabled' };

function OrgDrawer({ org, kinds, onClose }: { org: OrgItem | null; kinds: { value: string; label: string }[]; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: CreateOrgBody | UpdateOrgBody) =>
      org ? api.patch<OrgItem>(`/api/orgs/${org.id}`, body) : api.post<OrgItem>('/api/orgs', body),
    onSuccess: async (o) => {
      feedback.message.success(org ? '已保存' : `已新增 ${o.name}`);
      await qc.invalidateQueries({ queryKey: ['orgs'] });
      onClose();
    },
    meta: { form, fieldLabels: orgFieldLabels },
  });

  function submit(v: FormValues) {
    if (!org) {
      const body = parseForm(form, createOrgBody, v);
      if (body) save.mutate(body);
      return;
    }
    // Cleared optional fields become null so the server clears them too.
    const after = { name: v.name, kind: v.kind, parentId: v.parentId ?? null, phone: v.phone || null, status: v.status };
    const body = parseForm(form, updateOrgBody, changedFields({ name: org.name, kind: org.kind, parentId: org.parentId, phone: org.phone, status: org.status }, after));
    if (body) save.mutate(body);
  }

  return (
    <Drawer
      open
      size={480}
      title={org ? `编辑机构 — ${org.name}` : '新增机构'}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            保存
          </Button>
        </Space>
      }
    >
      <Form
        name="org"
        form={form}
        layout="vertical"
        initialValues={org ? { name: org.name, kind: org.kind, areaCode: org.areaCode, parentId: org.parentId, phone: org.phone, status: org.status } : {}}
        onFinish={submit}
      >
        <Form.Item label={orgFieldLabels.name} name="name" rules={rules.name}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item label={orgFieldLabels.kind} name="kind" rules={rules.kind}>
          <Select options={kinds} placeholder="请选择" />
        </Form.Item>
        <Form.Item label={orgFieldLabels.areaCode} name="areaCode" rules={rules.areaCode} extra={org ? '所在区划不可修改' : undefined}>
          <AreaTreeSelect disabled={!!org} />
        </Form.Item>
        <Form.Item label={orgFieldLabels.parentId} name="parentId" rules={rules.parentId}>
          <OrgSelect initialLabel={org?.parentName} excludeId={org?.id} />
        </Form.Item>
        <Form.Item label={orgFieldLabels.phone} name="phone" rules={rules.phone} extra="办公电话，如 0551-62345678">
          <Input maxLength={20} />
        </Form.Item>
        {org && (
          <Form.Item label={orgFieldLabels.status} name="status">
            <Select options={STATUS} />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
