import { CopyOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Badge,
  Button,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, type Paged } from '../../../api/client';
import { createUserBody, updateUserBody, userFieldLabels, type CreateUserBody, type UpdateUserBody, type UserItem } from '../../../api/contract';
import { feedback } from '../../../app/feedback';
import { DATA_SCOPE_LABELS, DATA_SCOPE_OPTIONS, useCan, useSessionUser, type DataScope } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { ExportButton } from '../../../components/ExportButton';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { PrintableRoster, PrintButton } from '../../../components/print/PrintableRoster';
import { OrgSelect } from '../../../components/OrgSelect';
import { formatDateTime } from '../../../lib/format';
import { changedFields, parseForm, zodRules, settled } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { rolesQuery } from '../api';

const rules = zodRules(createUserBody);
const STATUS = [
  { value: 'active', label: '启用' },
  { value: 'disabled', label: '停用' },
];

const fetchUsers = (query: Record<string, unknown>, signal?: AbortSignal) => api.get<Paged<UserItem>>('/api/users', query as never, signal);

function StatusCell({ u }: { u: UserItem }) {
  return (
    <Space size={4} wrap>
      {u.status === 'active' ? <Badge status="success" text="启用" /> : <Badge status="default" text="停用" />}
      {u.locked && <Tag color="orange">已锁定</Tag>}
      {u.mustChangePassword && <Tag>待改密</Tag>}
    </Space>
  );
}

export default function UsersPage() {
  const can = useCan();
  const editable = can('system:user:edit');
  const canReset = can('system:user:reset-password');
  const list = useListParams({ sort: 'name', order: 'asc' });
  const qc = useQueryClient();
  const roles = useQuery({ ...rolesQuery, enabled: can('system:role:view') || editable });
  const [drawer, setDrawer] = useState<{ user: UserItem | null } | null>(null);
  const [shownPassword, setShownPassword] = useState<{ user: string; password: string; title: string } | null>(null);
  const [printing, setPrinting] = useState(false);

  const q = useQuery({
    queryKey: ['users', 'list', list.query],
    queryFn: ({ signal }) => fetchUsers(list.query, signal),
    placeholderData: keepPreviousData,
  });

  const invalidate = () => qc.invalidateQueries({ queryKey: ['users'] });
  const disable = useMutation({
    mutationFn: (id: number) => api.delete<UserItem>(`/api/users/${id}`),
    onSuccess: async (u) => {
      feedback.message.success(`已停用 ${u.name}`);
      await invalidate();
    },
  });
  const enable = useMutation({
    mutationFn: (id: number) => api.patch<UserItem>(`/api/users/${id}`, { status: 'active' } satisfies UpdateUserBody),
    onSuccess: async (u) => {
      feedback.message.success(`已启用 ${u.name}`);
      await invalidate();
    },
  });
  const reset = useMutation({
    mutationFn: (u: UserItem) => api.post<{ password: string }>(`/api/users/${u.id}/reset-password`),
    onSuccess: async (r, u) => {
      setShownPassword({ user: `${u.name}（${u.username}）`, password: r.password, title: '密码已重置' });
      await invalidate();
    },
  });

  const columns: TableColumnsType<UserItem> = [
    { title: '用户名', dataIndex: 'username', key: 'username', sorter: true, sortOrder: list.sortOrderOf('username'), onCell: () => ({ style: { whiteSpace: 'nowrap' } }) },
    { title: '姓名', dataIndex: 'name', key: 'name', sorter: true, sortOrder: list.sortOrderOf('name') },
    { title: '手机号', dataIndex: 'phoneMasked', render: (v) => v ?? '—' },
    { title: '所属机构', dataIndex: 'orgName', render: (v) => v ?? '—' },
    { title: '岗位区划', dataIndex: 'areaName', render: (v, r) => (v ? <Tooltip title={r.areaCode}>{v}</Tooltip> : '—') },
    {
      title: '数据权限',
      dataIndex: 'dataScope',
      render: (v: DataScope, r) =>
        v === 'custom' ? (
          <Tooltip title={r.scopeAreas.map((a) => a.name).join('、') || '（未指定区划）'}>
            <Tag color="purple">{r.dataScopeLabel}（{r.scopeAreas.length}）</Tag>
          </Tooltip>
        ) : (
          <Tag>{r.dataScopeLabel ?? DATA_SCOPE_LABELS[v]}</Tag>
        ),
    },
    { title: '角色', dataIndex: 'roles', render: (rs: UserItem['roles']) => rs.map((r) => <Tag key={r.code}>{r.name}</Tag>) },
    { title: '状态', key: 'status', render: (_, u) => <StatusCell u={u} /> },
    {
      title: '最后登录',
      dataIndex: 'lastLoginAt',
      key: 'lastLoginAt',
      sorter: true,
      sortOrder: list.sortOrderOf('lastLoginAt'),
      render: (v) => (v ? formatDateTime(v) : <span className="muted">从未登录</span>),
    },
    ...(editable || canReset
      ? [
          {
            title: '操作',
            key: 'actions',
            fixed: 'right' as const,
            width: 200,
            render: (_: unknown, u: UserItem) => (
              <Space size={4}>
                {editable && (
                  <Button type="link" size="small" onClick={() => setDrawer({ user: u })}>
                    编辑
                  </Button>
                )}
                {canReset && (
                  <Popconfirm
                    title={`重置 ${u.name} 的密码？`}
                    description="将生成新密码并结束其登录，下次登录须修改密码。"
                    okText="重置"
                    cancelText="取消"
                    onConfirm={() => settled(reset.mutateAsync(u))}
                  >
                    <Button type="link" size="small">
                      重置密码
                    </Button>
                  </Popconfirm>
                )}
                {editable &&
                  (u.status === 'active' ? (
                    <Popconfirm
                      title={`停用 ${u.name}？`}
                      description="停用后不能登录，其操作记录保留。"
                      okText="停用"
                      okButtonProps={{ danger: true }}
                      cancelText="取消"
                      onConfirm={() => settled(disable.mutateAsync(u.id))}
                    >
                      <Button type="link" size="small" danger>
                        停用
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button type="link" size="small" onClick={() => enable.mutate(u.id)}>
                      启用
                    </Button>
                  ))}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.code, label: r.name }));

  return (
    <ListCard
      title="用户"
      total={q.data?.total}
      actions={
        <>
          <ExportButton<UserItem>
            name="用户列表"
            total={q.data?.total}
            fetchPage={(page, pageSize) => fetchUsers({ ...list.query, page, pageSize })}
            columns={[
              { title: '用户名', value: (r) => r.username },
              { title: '姓名', value: (r) => r.name },
              { title: '手机号', value: (r) => r.phoneMasked },
              { title: '所属机构', value: (r) => r.orgName },
              { title: '岗位区划', value: (r) => r.areaName },
              { title: '数据权限', value: (r) => r.dataScopeLabel },
              { title: '角色', value: (r) => r.roles.map((x) => x.name).join('、') },
              { title: '状态', value: (r) => (r.status === 'active' ? '启用' : '停用') },
              { title: '最后登录', value: (r) => formatDateTime(r.lastLoginAt) },
            ]}
          />
          <Button icon={<PrinterOutlined />} onClick={() => setPrinting(true)}>
            打印签收表
          </Button>
          {editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ user: null })}>
              新增用户
            </Button>
          )}
        </>
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters} toForm={(f) => ({ ...f, orgId: f.orgId ? Number(f.orgId) : undefined })}>
          <Form.Item label="关键字" name="keyword">
            <Input placeholder="用户名或姓名" allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label="岗位区划" name="areaCode">
            <AreaTreeSelect style={{ width: 200 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="所属机构" name="orgId">
            <OrgSelect style={{ width: 200 }} placeholder="全部" />
          </Form.Item>
          <Form.Item label="角色" name="roleCode">
            <Select options={roleOptions} allowClear placeholder="全部" style={{ width: 150 }} />
          </Form.Item>
          <Form.Item label="状态" name="status">
            <Select options={STATUS} allowClear placeholder="全部" style={{ width: 100 }} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<UserItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={q.data?.items}
        loading={q.isFetching}
        pagination={list.pagination(q.data?.total)}
        onChange={list.onTableChange}
        scroll={{ x: 1300 }}
      />
      {drawer && (
        <UserDrawer
          user={drawer.user}
          roleOptions={roleOptions}
          onClose={() => setDrawer(null)}
          onCreated={(u, password) => password && setShownPassword({ user: `${u.name}（${u.username}）`, password, title: '用户已创建' })}
        />
      )}
      {shownPassword && <PasswordOnceModal {...shownPassword} onClose={() => setShownPassword(null)} />}
      {printing && <ReceiptRosterModal query={list.query} onClose={() => setPrinting(false)} />}
    </ListCard>
  );
}

const ROSTER_MAX = 500;

/**
 * 账号领取签收表: the users the filters match, for each to sign on receiving the account
 * (the initial password is told in person). Uses the shared PrintableRoster.
 */
function ReceiptRosterModal({ query, onClose }: { query: Record<string, unknown>; onClose: () => void }) {
  const me = useSessionUser();
  const q = useQuery({
    queryKey: ['users', 'roster', query],
    queryFn: async ({ signal }) => {
      const rows: UserItem[] = [];
      for (let page = 1; rows.length < ROSTER_MAX; page++) {
        const r = await fetchUsers({ ...query, page, pageSize: 200 }, signal);
        rows.push(...r.items);
        if (rows.length >= r.total || r.items.length < 200) return { rows, total: r.total };
      }
      return { rows, total: rows.length };
    },
  });
  return (
    <Modal
      open
      width={1000}
      title="打印账号领取签收表"
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>关闭</Button>
          <PrintButton disabled={!q.data} />
        </Space>
      }
    >
      {q.data && q.data.total > q.data.rows.length && (
        <Alert type="warning" showIcon title={`符合条件的用户有 ${q.data.total} 人，只打印前 ${q.data.rows.length} 人，请缩小筛选范围后分批打印。`} style={{ marginBottom: 12 }} />
      )}
      {q.data && (
        <PrintableRoster<UserItem>
          title="系统账号领取签收表"
          unit={me.orgName ?? me.areaName ?? undefined}
          rows={q.data.rows}
          rowKey={(u) => u.id}
          columns={[
            { key: 'name', title: '姓名', width: '20mm' },
            { key: 'username', title: '用户名', width: '34mm' },
            { key: 'org', title: '所属机构', render: (u) => u.orgName ?? '' },
            { key: 'area', title: '岗位区划', width: '24mm', render: (u) => u.areaName ?? '' },
            { key: 'roles', title: '角色', render: (u) => u.roles.map((r) => r.name).join('、') },
            { key: 'sign', title: '本人签名', signature: true },
          ]}
          notes="初始密码由管理员当面或电话告知本人，首次登录须修改密码；账号仅限本人使用，不得转借。"
          signatures={['经办人', '审核人']}
        />
      )}
    </Modal>
  );
}

/** A generated password is returned once; it is shown here and never again. */
function PasswordOnceModal({ user, password, title, onClose }: { user: string; password: string; title: string; onClose: () => void }) {
  return (
    <Modal open title={title} onCancel={onClose} footer={<Button type="primary" onClick={onClose}>我已记下</Button>} mask={{ closable: false }}>
      <Alert type="warning" showIcon title="新密码只显示这一次，请记下后当面或电话告知本人；对方首次登录须修改密码。" style={{ marginBottom: 16 }} />
      <p>用户：{user}</p>
      <Space>
        新密码：
        <Typography.Text code strong style={{ fontSize: 18 }} data-testid="new-password">
          {password}
        </Typography.Text>
        <Button
          icon={<CopyOutlined />}
          size="small"
          onClick={() => {
            void navigator.clipboard?.writeText(password).then(() => feedback.message.success('已复制'));
          }}
        >
          复制
        </Button>
      </Space>
    </Modal>
  );
}

type FormValues = {
  username: string;
  name: string;
  phone?: string;
  orgId?: number | null;
  areaCode?: string | null;
  dataScope: DataScope;
  scopeAreas?: string[];
  roleCodes: string[];
  password?: string;
  status?: 'active' | 'disabled';
};

function UserDrawer({
  user,
  roleOptions,
  onClose,
  onCreated,
}: {
  user: UserItem | null;
  roleOptions: { value: string; label: string }[];
  onClose: () => void;
  onCreated: (u: UserItem, password?: string) => void;
}) {
  const me = useSessionUser();
  const [form] = Form.useForm<FormValues>();
  const qc = useQueryClient();
  const dataScope = Form.useWatch('dataScope', form);
  // Only someone with 全部数据 may grant it (server: users/guards.ts); the option is hidden for others.
  const scopeOptions = DATA_SCOPE_OPTIONS.filter((o) => o.value !== 'all' || me.dataScope === 'all');

  const save = useMutation({
    mutationFn: (body: CreateUserBody | UpdateUserBody) =>
      user
        ? api.patch<UserItem>(`/api/users/${user.id}`, body).then((u) => ({ user: u, initialPassword: undefined }))
        : api.post<{ user: UserItem; initialPassword?: string }>('/api/users', body),
    onSuccess: async (r) => {
      feedback.message.success(user ? '已保存' : `已新增用户 ${r.user.name}`);
      await qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
      if (!user) onCreated(r.user, r.initialPassword);
    },
    meta: { form, fieldLabels: userFieldLabels },
  });

  function submit(v: FormValues) {
    const scopeAreas = v.dataScope === 'custom' ? (v.scopeAreas ?? []) : [];
    if (!user) {
      const body = parseForm(form, createUserBody, { ...v, scopeAreas, areaCode: v.areaCode ?? null, orgId: v.orgId ?? null });
      if (body) save.mutate(body);
      return;
    }
    const before = {
      name: user.name,
      orgId: user.orgId,
      areaCode: user.areaCode,
      dataScope: user.dataScope,
      scopeAreas: user.scopeAreas.map((a) => a.code),
      roleCodes: user.roles.map((r) => r.code),
      status: user.status,
    };
    const after = {
      name: v.name,
      orgId: v.orgId ?? null,
      areaCode: v.areaCode ?? null,
      dataScope: v.dataScope,
      scopeAreas,
      roleCodes: v.roleCodes ?? [],
      status: v.status,
    };
    // The phone is only ever shown masked: a blank field leaves it as it is.
    const body = parseForm(form, updateUserBody, { ...changedFields(before, after), ...(v.phone ? { phone: v.phone } : {}) });
    if (body) save.mutate(body);
  }

  return (
    <Drawer
      open
      size={520}
      title={user ? `编辑用户 — ${user.name}` : '新增用户'}
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
        name="user"
        form={form}
        layout="vertical"
        initialValues={
          user
            ? {
                username: user.username,
                name: user.name,
                orgId: user.orgId,
                areaCode: user.areaCode,
                dataScope: user.dataScope,
                scopeAreas: user.scopeAreas.map((a) => a.code),
                roleCodes: user.roles.map((r) => r.code),
                status: user.status,
              }
            : { dataScope: 'area_below', roleCodes: [] }
        }
        onFinish={submit}
      >
        <Form.Item label={userFieldLabels.username} name="username" rules={user ? [] : rules.username} extra={user ? '用户名不可修改' : '字母开头，3–32 位'}>
          <Input disabled={!!user} autoComplete="off" maxLength={32} />
        </Form.Item>
        <Form.Item label={userFieldLabels.name} name="name" rules={rules.name}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item
          label={userFieldLabels.phone}
          name="phone"
          rules={rules.phone}
          extra={user ? `当前：${user.phoneMasked ?? '未填'}；不修改请留空` : undefined}
        >
          <Input maxLength={20} inputMode="tel" placeholder={user?.phoneMasked ?? undefined} />
        </Form.Item>
        <Form.Item label={userFieldLabels.orgId} name="orgId" rules={rules.orgId}>
          <OrgSelect initialLabel={user?.orgName} />
        </Form.Item>
        <Form.Item label={userFieldLabels.areaCode} name="areaCode" rules={rules.areaCode} extra="用户岗位所在的区划，数据权限以此为准">
          <AreaTreeSelect />
        </Form.Item>
        <Form.Item label={userFieldLabels.dataScope} name="dataScope" rules={rules.dataScope}>
          <Select options={scopeOptions} />
        </Form.Item>
        {dataScope === 'custom' && (
          <Form.Item
            label={userFieldLabels.scopeAreas}
            name="scopeAreas"
            rules={[...rules.scopeAreas, { required: true, type: 'array', min: 1, message: '请至少选择一个区划' }]}
            extra="可查看所选区划及其下级的数据"
          >
            <AreaTreeSelect multiple />
          </Form.Item>
        )}
        <Form.Item label={userFieldLabels.roleCodes} name="roleCodes" rules={[...rules.roleCodes, { required: true, type: 'array', min: 1, message: '请至少选择一个角色' }]}>
          <Select mode="multiple" options={roleOptions} placeholder="请选择角色" optionFilterProp="label" />
        </Form.Item>
        {!user && (
          <Form.Item label="初始密码" name="password" rules={rules.password} extra="留空则由系统生成，创建后显示一次；首次登录须修改">
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
        )}
        {user && (
          <Form.Item label={userFieldLabels.status} name="status">
            <Select options={STATUS} />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
