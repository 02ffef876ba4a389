import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, Drawer, Form, Input, Popconfirm, Row, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { createRoleBody, roleFieldLabels as FIELD_LABELS, updateRoleBody, type CreateRoleBody, type UpdateRoleBody } from '../../../api/contract';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { changedFields, parseForm, zodRules, settled } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { permissionsQuery, rolesQuery, type PermissionGroup, type Role } from '../api';

const rules = zodRules(createRoleBody);

export default function RolesPage() {
  const can = useCan();
  const editable = can('system:role:edit');
  const list = useListParams({ sort: 'builtin', order: 'desc' });
  const roles = useQuery(rolesQuery);
  const perms = useQuery(permissionsQuery);
  const qc = useQueryClient();
  const [drawer, setDrawer] = useState<{ role: Role | null } | null>(null);

  const remove = useMutation({
    mutationFn: (id: number) => api.delete(`/api/roles/${id}`),
    onSuccess: async () => {
      feedback.message.success('已删除');
      await qc.invalidateQueries({ queryKey: ['roles'] });
    },
  });

  // A few dozen roles at most: filtered, sorted and paged here.
  const keyword = (list.filters.keyword ?? '').trim();
  const kind = list.filters.kind;
  const rows = useMemo(() => {
    let r = roles.data ?? [];
    if (keyword) r = r.filter((x) => x.name.includes(keyword) || x.code.includes(keyword) || (x.description ?? '').includes(keyword));
    if (kind === 'builtin') r = r.filter((x) => x.builtin);
    if (kind === 'custom') r = r.filter((x) => !x.builtin);
    if (list.sort && list.sort !== 'builtin') {
      const k = list.sort as 'name' | 'userCount';
      const dir = list.order === 'desc' ? -1 : 1;
      r = [...r].sort((a, b) => (k === 'userCount' ? a.userCount - b.userCount : a.name.localeCompare(b.name, 'zh-CN')) * dir);
    }
    return r;
  }, [roles.data, keyword, kind, list.sort, list.order]);

  const columns: TableColumnsType<Role> = [
    {
      title: '角色名称',
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: list.sortOrderOf('name'),
      render: (v, r) => (
        <Space>
          {v}
          {r.builtin && <Tag color="blue">内置</Tag>}
        </Space>
      ),
    },
    { title: '角色代码', dataIndex: 'code', render: (v) => <Typography.Text code>{v}</Typography.Text> },
    { title: '说明', dataIndex: 'description', render: (v) => v ?? '—' },
    { title: '权限数', dataIndex: 'permissions', align: 'right', render: (p: string[]) => (p.includes('*') ? '全部' : p.length) },
    { title: '用户数', dataIndex: 'userCount', key: 'userCount', align: 'right', sorter: true, sortOrder: list.sortOrderOf('userCount') },
    {
      title: '操作',
      key: 'actions',
      width: 160,
      render: (_, r) => (
        <Space size={4}>
          <Button type="link" size="small" onClick={() => setDrawer({ role: r })}>
            {editable && !r.builtin ? '编辑' : '查看'}
          </Button>
          {editable && !r.builtin && (
            <Popconfirm
              title={`删除角色「${r.name}」？`}
              description={r.userCount ? `仍有 ${r.userCount} 个用户使用此角色，须先移除。` : undefined}
              okText="删除"
              okButtonProps={{ danger: true }}
              cancelText="取消"
              onConfirm={() => settled(remove.mutateAsync(r.id))}
            >
              <Button type="link" size="small" danger>
                删除
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <ListCard
      title="角色与权限"
      total={rows.length}
      actions={
        editable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ role: null })}>
            新增角色
          </Button>
        )
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="名称、代码或说明" allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label="类型" name="kind">
            <CheckboxLikeSelect />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<Role>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows.slice((list.page - 1) * list.pageSize, list.page * list.pageSize)}
        loading={roles.isFetching}
        pagination={list.pagination(rows.length)}
        onChange={list.onTableChange}
        scroll={{ x: 800 }}
      />
      {drawer && <RoleDrawer role={drawer.role} catalogue={perms.data ?? []} readOnly={!editable || !!drawer.role?.builtin} onClose={() => setDrawer(null)} />}
    </ListCard>
  );
}

function CheckboxLikeSelect(props: { value?: string; onChange?: (v: string | undefined) => void }) {
  return (
    <Space>
      {[
        { v: 'builtin', l: '内置' },
        { v: 'custom', l: '自定义' },
      ].map((o) => (
        <Checkbox key={o.v} checked={props.value === o.v} onChange={(e) => props.onChange?.(e.target.checked ? o.v : undefined)}>
          {o.l}
        </Checkbox>
      ))}
    </Space>
  );
}

/** Permission checkboxes grouped by module, in the catalogue's order. */
function PermissionGroups({
  catalogue,
  value = [],
  onChange,
  disabled,
}: {
  catalogue: PermissionGroup[];
  value?: string[];
  onChange?: (v: string[]) => void;
  disabled?: boolean;
}) {
  const order = useMemo(() => catalogue.flatMap((g) => g.permissions.map((p) => p.code)), [catalogue]);
  const all = value.includes('*');
  const set = new Set(value);
  const toggle = (codes: string[], on: boolean) => {
    const next = new Set(set);
    for (const c of codes) (on ? next.add(c) : next.delete(c));
    // Codes the catalogue no longer lists are kept as they are, not silently dropped.
    onChange?.([...order.filter((c) => next.has(c)), ...[...next].filter((c) => !order.includes(c))]);
  };
  if (all) return <Alert type="info" showIcon title="此角色拥有全部权限（包括今后新增的权限）。" />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      {catalogue.map((g) => {
        const codes = g.permissions.map((i) => i.code);
        const n = codes.filter((c) => set.has(c)).length;
        return (
          <Card
            key={g.code}
            size="small"
            role="group"
            aria-label={g.label}
            title={
              <Checkbox
                checked={n === codes.length}
                indeterminate={n > 0 && n < codes.length}
                disabled={disabled}
                onChange={(e) => toggle(codes, e.target.checked)}
              >
                {g.label}
              </Checkbox>
            }
          >
            <Row gutter={[8, 8]}>
              {g.permissions.map((p) => (
                <Col xs={24} sm={12} key={p.code}>
                  <Checkbox checked={set.has(p.code)} disabled={disabled} onChange={(e) => toggle([p.code], e.target.checked)}>
                    {p.label}
                  </Checkbox>
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 24 }}>
                      {p.code}
                    </Typography.Text>
                  </div>
                </Col>
              ))}
            </Row>
          </Card>
        );
      })}
    </Space>
  );
}

type FormValues = { code: string; name: string; description?: string | null; permissions?: string[] };

function RoleDrawer({ role, catalogue, readOnly, onClose }: { role: Role | null; catalogue: PermissionGroup[]; readOnly: boolean; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: CreateRoleBody | UpdateRoleBody) => (role ? api.patch<Role>(`/api/roles/${role.id}`, body) : api.post<Role>('/api/roles', body)),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['roles'] });
      onClose();
    },
    meta: { form, fieldLabels: FIELD_LABELS },
  });

  function submit(v: FormValues) {
    const description = v.description?.trim() ? v.description : null;
    if (!role) {
      const body = parseForm(form, createRoleBody, { ...v, description, permissions: v.permissions ?? [] });
      if (body) save.mutate(body);
      return;
    }
    const changed = changedFields(
      { name: role.name, description: role.description, permissions: role.permissions },
      { name: v.name, description, permissions: v.permissions ?? [] },
    );
    const body = parseForm(form, updateRoleBody, changed);
    if (body) save.mutate(body);
  }

  return (
    <Drawer
      open
      size={640}
      title={role ? `${readOnly ? '查看' : '编辑'}角色 — ${role.name}` : '新增角色'}
      onClose={onClose}
      destroyOnHidden
      extra={
        readOnly ? (
          <Button onClick={onClose}>关闭</Button>
        ) : (
          <Space>
            <Button onClick={onClose}>取消</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
              保存
            </Button>
          </Space>
        )
      }
    >
      {role?.builtin && <Alert type="info" showIcon title="内置角色由系统维护，不能修改或删除；如需不同的权限组合，请新增角色。" style={{ marginBottom: 16 }} />}
      <Form
        name="role"
        form={form}
        layout="vertical"
        disabled={readOnly}
        initialValues={role ? { code: role.code, name: role.name, description: role.description, permissions: role.permissions } : { permissions: [] }}
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label={FIELD_LABELS.name} name="name" rules={rules.name}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={FIELD_LABELS.code} name="code" rules={role ? [] : rules.code} extra={role ? undefined : '如 township_leader，创建后不可修改'}>
              <Input disabled={!!role} maxLength={32} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={FIELD_LABELS.description} name="description" rules={rules.description}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
        <Form.Item label={FIELD_LABELS.permissions} name="permissions">
          <PermissionGroups catalogue={catalogue} disabled={readOnly} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
