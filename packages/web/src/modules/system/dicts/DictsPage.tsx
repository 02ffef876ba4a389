import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Col, Empty, Form, Input, InputNumber, Menu, Modal, Row, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../../api/client';
import { dictsQuery, type DictItem, type DictType } from '../../../api/dicts';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { createItemBody, dictFieldLabels as FIELD_LABELS, updateItemBody, type CreateItemBody, type UpdateItemBody } from '../../../api/contract';
import { changedFields, parseForm, zodRules } from '../../../lib/form';

type ItemValues = { code: string; label: string; sort: number; enabled: boolean };
const rules = zodRules(createItemBody);

export default function DictsPage() {
  const can = useCan();
  const editable = can('system:dict:edit');
  const dicts = useQuery(dictsQuery);
  const [sp, setSp] = useSearchParams();
  const typeCode = sp.get('type') ?? dicts.data?.[0]?.code ?? null;
  const [keyword, setKeyword] = useState('');
  const [editing, setEditing] = useState<{ item: DictItem | null } | null>(null);
  const type = dicts.data?.find((d) => d.code === typeCode) ?? null;
  const qc = useQueryClient();

  const toggle = useMutation({
    mutationFn: ({ item, enabled }: { item: DictItem; enabled: boolean }) =>
      api.patch(`/api/dicts/${encodeURIComponent(typeCode!)}/items/${encodeURIComponent(item.code)}`, { enabled }),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['dicts'] });
    },
  });

  const items = useMemo(() => {
    const k = keyword.trim();
    const all = [...(type?.items ?? [])].sort((a, b) => a.sort - b.sort);
    return k ? all.filter((i) => i.code.includes(k) || i.label.includes(k)) : all;
  }, [type, keyword]);

  const columns: TableColumnsType<DictItem> = [
    { title: '代码', dataIndex: 'code', render: (v) => <Typography.Text code>{v}</Typography.Text> },
    { title: '名称', dataIndex: 'label' },
    { title: '排序号', dataIndex: 'sort', align: 'right', sorter: (a, b) => a.sort - b.sort, defaultSortOrder: 'ascend' },
    {
      title: '状态',
      dataIndex: 'enabled',
      render: (v: boolean, r) =>
        editable ? (
          <Switch
            checked={v}
            checkedChildren="启用"
            unCheckedChildren="停用"
            aria-label={`${r.label} 启用`}
            loading={toggle.isPending && toggle.variables?.item.code === r.code}
            onChange={(enabled) => toggle.mutate({ item: r, enabled })}
          />
        ) : v ? (
          <Badge status="success" text="启用" />
        ) : (
          <Badge status="default" text="停用" />
        ),
    },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_: unknown, r: DictItem) => (
              <Button type="link" size="small" onClick={() => setEditing({ item: r })}>
                编辑
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Row gutter={16}>
      <Col xs={24} md={8} lg={6}>
        <Card title="字典类型" loading={dicts.isLoading} styles={{ body: { padding: 0 } }}>
          <nav aria-label="字典类型">
            <Menu
              mode="inline"
              selectedKeys={typeCode ? [typeCode] : []}
              items={(dicts.data ?? []).map((d) => ({
                key: d.code,
                label: (
                  <Space>
                    {d.name}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {d.items.length}
                    </Typography.Text>
                  </Space>
                ),
              }))}
              onClick={({ key }) => {
                setKeyword('');
                setSp({ type: key });
              }}
              style={{ borderInlineEnd: 'none' }}
            />
          </nav>
        </Card>
      </Col>
      <Col xs={24} md={16} lg={18}>
        <Card
          title={
            type ? (
              <Space>
                {type.name}
                <Typography.Text code>{type.code}</Typography.Text>
                <Typography.Text type="secondary">共 {items.length} 项</Typography.Text>
              </Space>
            ) : (
              '字典项'
            )
          }
          extra={
            type &&
            editable && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ item: null })}>
                新增字典项
              </Button>
            )
          }
        >
          {!type ? (
            <Empty description="请选择字典类型" />
          ) : (
            <>
              {type.description && <Typography.Paragraph type="secondary">{type.description}</Typography.Paragraph>}
              <Input.Search
                placeholder="按代码或名称筛选"
                aria-label="筛选字典项"
                allowClear
                value={keyword}
                onChange={(e) => setKeyword(e.target.value)}
                style={{ maxWidth: 280, marginBottom: 12 }}
              />
              <Table<DictItem>
                rowKey="code"
                size="middle"
                columns={columns}
                dataSource={items}
                pagination={{ pageSize: 20, showSizeChanger: true, showTotal: (t) => `共 ${t} 条`, hideOnSinglePage: false }}
              />
              <Typography.Text type="secondary">
                <Tag>说明</Tag>代码写入业务数据后不能修改；不再使用的项请停用，不要删除。
              </Typography.Text>
            </>
          )}
        </Card>
      </Col>
      {editing && type && <ItemModal type={type} item={editing.item} onClose={() => setEditing(null)} />}
    </Row>
  );
}

function ItemModal({ type, item, onClose }: { type: DictType; item: DictItem | null; onClose: () => void }) {
  const [form] = Form.useForm<ItemValues>();
  const qc = useQueryClient();
  const base = `/api/dicts/${encodeURIComponent(type.code)}/items`;
  const save = useMutation({
    mutationFn: (body: CreateItemBody | UpdateItemBody) => (item ? api.patch(`${base}/${encodeURIComponent(item.code)}`, body) : api.post(base, body)),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['dicts'] });
      onClose();
    },
    meta: { form, fieldLabels: FIELD_LABELS },
  });
  const nextSort = Math.max(0, ...type.items.map((i) => i.sort)) + 1;
  return (
    <Modal
      open
      title={item ? `编辑字典项 — ${type.name}` : `新增字典项 — ${type.name}`}
      okText="保存"
      cancelText="取消"
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        name="dictItem"
        form={form}
        layout="vertical"
        initialValues={item ?? { sort: nextSort, enabled: true }}
        onFinish={(v) => {
          const body = item
            ? parseForm(form, updateItemBody, changedFields({ label: item.label, sort: item.sort, enabled: item.enabled }, { label: v.label, sort: v.sort, enabled: v.enabled }))
            : parseForm(form, createItemBody, v);
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label={FIELD_LABELS.code} name="code" rules={item ? [] : rules.code} extra={item ? '代码不可修改' : '写入数据的稳定标识，如 illness'}>
          <Input disabled={!!item} maxLength={32} />
        </Form.Item>
        <Form.Item label={FIELD_LABELS.label} name="label" rules={rules.label}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item label={FIELD_LABELS.sort} name="sort" rules={rules.sort}>
          <InputNumber min={0} max={99999} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={FIELD_LABELS.enabled} name="enabled" valuePropName="checked">
          <Switch checkedChildren="启用" unCheckedChildren="停用" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
