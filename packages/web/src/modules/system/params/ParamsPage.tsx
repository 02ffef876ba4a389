import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, InputNumber, Modal, Switch, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../../api/client';
import { paramFieldLabels, type ParamItem } from '../../../api/contract';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatDateTime } from '../../../lib/format';
import { useListParams } from '../../../lib/useListParams';

type Param = ParamItem;

function showValue(v: unknown) {
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

export default function ParamsPage() {
  const can = useCan();
  const editable = can('system:param:edit');
  const list = useListParams({ sort: 'key', order: 'asc' });
  const [editing, setEditing] = useState<Param | null>(null);
  const q = useQuery({
    queryKey: ['params'],
    queryFn: async ({ signal }) => (await api.get<{ items: Param[] }>('/api/params', undefined, signal)).items,
  });

  const keyword = (list.filters.keyword ?? '').trim();
  const rows = useMemo(() => {
    let r = q.data ?? [];
    if (keyword) r = r.filter((p) => p.key.includes(keyword) || p.description.includes(keyword));
    const dir = list.order === 'desc' ? -1 : 1;
    return [...r].sort((a, b) => a.key.localeCompare(b.key) * dir);
  }, [q.data, keyword, list.order]);

  const columns: TableColumnsType<Param> = [
    { title: paramFieldLabels.key, dataIndex: 'key', key: 'key', sorter: true, sortOrder: list.sortOrderOf('key'), render: (v) => <Typography.Text code>{v}</Typography.Text> },
    { title: '说明', dataIndex: 'description' },
    { title: paramFieldLabels.value, dataIndex: 'value', render: (v) => <Typography.Text strong>{showValue(v)}</Typography.Text> },
    { title: '修改时间', dataIndex: 'updatedAt', render: (v) => formatDateTime(v) },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'a',
            width: 80,
            render: (_: unknown, p: Param) => (
              <Button type="link" size="small" onClick={() => setEditing(p)}>
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <ListCard
      title="参数"
      total={rows.length}
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="参数名或说明" allowClear style={{ width: 200 }} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<Param>
        rowKey="key"
        size="middle"
        columns={columns}
        dataSource={rows.slice((list.page - 1) * list.pageSize, list.page * list.pageSize)}
        loading={q.isFetching}
        pagination={list.pagination(rows.length)}
        onChange={list.onTableChange}
      />
      {editing && <ParamModal param={editing} onClose={() => setEditing(null)} />}
    </ListCard>
  );
}

function ParamModal({ param, onClose }: { param: Param; onClose: () => void }) {
  const [form] = Form.useForm<{ value: unknown }>();
  const qc = useQueryClient();
  const kind = typeof param.value === 'number' ? 'number' : typeof param.value === 'boolean' ? 'boolean' : typeof param.value === 'string' ? 'string' : 'json';
  const save = useMutation({
    mutationFn: (value: unknown) => api.patch(`/api/params/${encodeURIComponent(param.key)}`, { value }),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['params'] });
      onClose();
    },
    meta: { form, fieldLabels: { value: [paramFieldLabels.value, param.key] } },
  });
  return (
    <Modal open title={`修改参数 — ${param.description}`} okText="保存" cancelText="取消" confirmLoading={save.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Typography.Paragraph>
        <Typography.Text code>{param.key}</Typography.Text>
      </Typography.Paragraph>
      <Form
        name="param"
        form={form}
        layout="vertical"
        initialValues={{ value: kind === 'json' ? JSON.stringify(param.value, null, 2) : param.value }}
        onFinish={(v) => {
          if (kind !== 'json') return save.mutate(v.value);
          try {
            save.mutate(JSON.parse(String(v.value)));
          } catch {
            form.setFields([{ name: 'value', errors: ['不是合法的 JSON'] }]);
          }
        }}
      >
        <Form.Item label={paramFieldLabels.value} name="value" valuePropName={kind === 'boolean' ? 'checked' : 'value'} rules={kind === 'boolean' ? [] : [{ required: true, message: '请输入值' }]}>
          {kind === 'number' ? (
            <InputNumber style={{ width: 200 }} />
          ) : kind === 'boolean' ? (
            <Switch checkedChildren="是" unCheckedChildren="否" />
          ) : kind === 'string' ? (
            <Input />
          ) : (
            <Input.TextArea rows={6} />
          )}
        </Form.Item>
      </Form>
    </Modal>
  );
}
