import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, DatePicker, Drawer, Form, Input, Modal, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { cadreStatusBody, createCadreBody, updateCadreBody } from '@fupin/server/src/visits/pairing/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { changedFields, parseForm } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { visitsApi, type CadreItem, type CadreStatusResponse } from '../api';
import { UnitSelect } from '../components/pickers';

const STATUS = [
  { value: 'active', label: '在岗', color: 'green' },
  { value: 'retired', label: '已退休', color: 'orange' },
  { value: 'transferred', label: '已调离', color: 'orange' },
];

/** 帮扶干部: the county's roster of cadres — with or without a login — and their status. */
export default function CadresPage() {
  const can = useCan();
  const editable = can('visit:pairing:edit');
  const list = useListParams();
  const [editing, setEditing] = useState<{ cadre: CadreItem | null } | null>(null);
  const [statusOf, setStatusOf] = useState<CadreItem | null>(null);
  const q = useQuery({
    queryKey: ['visits', 'cadres', list.query],
    queryFn: ({ signal }) => visitsApi.cadres(list.query, signal),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<CadreItem> = [
    { title: '姓名', dataIndex: 'name' },
    { title: '帮扶单位', dataIndex: 'unitName' },
    { title: '职务', dataIndex: 'post', render: (v) => v ?? '—' },
    { title: '电话', dataIndex: 'phoneMasked', render: (v) => v ?? '—' },
    { title: '登录账号', dataIndex: 'username', render: (v) => v ?? <Typography.Text type="secondary">无（由村专干代录）</Typography.Text> },
    { title: '结对户数', dataIndex: 'pairedCount', align: 'right' },
    {
      title: '状态',
      dataIndex: 'status',
      render: (v, r) => {
        const s = STATUS.find((x) => x.value === v)!;
        return (
          <Space size={4}>
            <Tag color={s.color}>{s.label}</Tag>
            {r.status !== 'active' && r.pairedCount > 0 && <Tag color="red">{r.pairedCount} 户需重新结对</Tag>}
          </Space>
        );
      },
    },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 160,
            render: (_: unknown, r: CadreItem) => (
              <Space size={4}>
                <Button type="link" size="small" onClick={() => setEditing({ cadre: r })}>
                  编辑
                </Button>
                <Button type="link" size="small" onClick={() => setStatusOf(r)}>
                  变更状态
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <ListCard
      title="帮扶干部"
      total={q.data?.total}
      actions={
        editable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ cadre: null })}>
            登记帮扶干部
          </Button>
        )
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="姓名或职务" allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label="状态" name="status">
            <Select options={STATUS} allowClear placeholder="全部" style={{ width: 110 }} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<CadreItem> rowKey="id" size="middle" columns={columns} dataSource={q.data?.items} loading={q.isFetching} pagination={list.pagination(q.data?.total)} onChange={list.onTableChange as never} scroll={{ x: 900 }} />
      {editing && <CadreDrawer cadre={editing.cadre} onClose={() => setEditing(null)} />}
      {statusOf && <StatusModal cadre={statusOf} onClose={() => setStatusOf(null)} />}
    </ListCard>
  );
}

type CadreValues = { name?: string; unitOrgId?: number; post?: string; phone?: string; userId?: number };

function CadreDrawer({ cadre, onClose }: { cadre: CadreItem | null; onClose: () => void }) {
  const [form] = Form.useForm<CadreValues>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => (cadre ? api.patch<CadreItem>(`/api/visits/cadres/${cadre.id}`, body) : api.post<CadreItem>('/api/visits/cadres', body)),
    onSuccess: async (c) => {
      feedback.message.success(cadre ? '已保存' : `已登记 ${c.name}`);
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  function submit(v: CadreValues) {
    if (!cadre) {
      const body = parseForm(form, createCadreBody, v);
      if (body) save.mutate(body);
      return;
    }
    const changes = changedFields({ name: cadre.name, unitOrgId: cadre.unitOrgId, post: cadre.post ?? undefined }, { name: v.name, unitOrgId: v.unitOrgId, post: v.post || undefined });
    const body = parseForm(form, updateCadreBody, { ...changes, ...(v.phone ? { phone: v.phone } : {}), version: cadre.version });
    if (body) save.mutate(body);
  }
  return (
    <Drawer open width={460} title={cadre ? `编辑 ${cadre.name}` : '登记帮扶干部'} onClose={onClose} extra={<Button type="primary" loading={save.isPending} onClick={() => form.submit()}>保存</Button>}>
      <Form name="cadre" form={form} layout="vertical" onFinish={submit} initialValues={cadre ? { name: cadre.name, unitOrgId: cadre.unitOrgId, post: cadre.post ?? undefined } : {}}>
        <Form.Item label="帮扶单位" name="unitOrgId" rules={[{ required: true, message: '请选择帮扶单位' }]}>
          <UnitSelect initialLabel={cadre?.unitName} />
        </Form.Item>
        {!cadre && (
          <Form.Item label="登录账号编号（可不填）" name="userId" extra="有账号的干部用手机自己登记走访；没有账号的由村专干代录。">
            <Input type="number" min={1} />
          </Form.Item>
        )}
        <Form.Item label="姓名" name="name" extra={!cadre ? '关联账号时可不填，取账号姓名' : undefined}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item label="职务" name="post">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item label={cadre ? `电话（现为 ${cadre.phoneMasked ?? '无'}，不改可不填）` : '电话'} name="phone">
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function StatusModal({ cadre, onClose }: { cadre: CadreItem; onClose: () => void }) {
  const [form] = Form.useForm<{ status?: string; since?: dayjs.Dayjs; reason?: string }>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<CadreStatusResponse>(`/api/visits/cadres/${cadre.id}/status`, body),
    onSuccess: async (r) => {
      feedback.message.success(r.householdsToRepair ? `已保存，${r.householdsToRepair} 户需重新结对` : '已保存');
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`变更 ${cadre.name} 的状态`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending}>
      <Form
        name="cadreStatus"
        form={form}
        layout="vertical"
        initialValues={{ status: cadre.status, since: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, cadreStatusBody, { status: v.status, since: v.since?.format('YYYY-MM-DD'), reason: v.reason, version: cadre.version });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="状态" name="status">
          <Select options={STATUS} />
        </Form.Item>
        <Form.Item label="生效日期" name="since">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder="退休人员按规定可不包户；其结对户将列入“需重新结对”" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
