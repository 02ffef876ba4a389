import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Row,
  Space,
  Switch,
  Tag,
  Tree,
  Typography,
  type TreeDataNode,
} from 'antd';
import { useMemo, useState } from 'react';
import { checkAreaCode } from '@fupin/shared/area';
import { areaChildrenQuery, areaDetailQuery, invalidateAreas, type AreaDetail, type AreaItem } from '../../../api/areas';
import { api } from '../../../api/client';
import { areaFieldLabels, createAreaBody, updateAreaBody } from '../../../api/contract';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { parseForm, zodRule, zodRules, settled } from '../../../lib/form';

const createRules = zodRules(createAreaBody);
const updateRules = zodRules(updateAreaBody);

const LEVEL_COLOR: Record<string, string> = { province: 'magenta', city: 'purple', county: 'blue', township: 'cyan', village: 'green', group: 'default' };

function LevelTag({ a }: { a: Pick<AreaItem, 'level' | 'levelLabel'> }) {
  return <Tag color={LEVEL_COLOR[a.level]}>{a.levelLabel}</Tag>;
}

/** The level a child of `parent` has, for the create form's hints. */
function childHint(parent: AreaItem | null): string {
  if (!parent) return '省级代码为 6 位，如 340000';
  switch (parent.level) {
    case 'province':
      return `市级代码为 6 位，以 ${parent.prefix} 开头，如 ${parent.prefix}1200`;
    case 'city':
      return `县级代码为 6 位，以 ${parent.prefix} 开头；不设县的市下可直接建乡镇（9 位）`;
    case 'county':
      return `乡镇代码为 9 位：${parent.code} 后加 3 位`;
    case 'township':
      return `村代码为 12 位：${parent.code} 后加 3 位`;
    case 'village':
      return `组代码为 15 位：${parent.code} 后加 3 位`;
    default:
      return '组以下不能再建下级';
  }
}

type CreateValues = { code: string; name: string; sort?: number; loanPreconditionMet?: boolean };
type EditValues = { name: string; sort?: number; loanPreconditionMet?: boolean };

export default function AreasPage() {
  const can = useCan();
  const editable = can('system:area:edit');
  const qc = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [loadedParents, setLoadedParents] = useState<string[]>(['']);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [keyword, setKeyword] = useState('');
  const [creating, setCreating] = useState<{ parent: AreaItem | null } | null>(null);
  const [editing, setEditing] = useState<AreaDetail | null>(null);

  const levels = useQueries({ queries: loadedParents.map((p) => areaChildrenQuery(p || null)) });
  const childrenOf = new Map<string, AreaItem[] | undefined>(loadedParents.map((p, i) => [p, levels[i].data?.items]));
  const childrenKey = levels.map((l) => l.dataUpdatedAt).join(',');

  const treeData = useMemo(() => {
    const build = (parent: string): TreeDataNode[] =>
      (childrenOf.get(parent) ?? []).map((a) => ({
        key: a.code,
        title: (
          <span className={a.inScope ? undefined : 'muted'}>
            {a.name} <Typography.Text type="secondary">{a.code}</Typography.Text>
          </span>
        ),
        isLeaf: !a.hasChildren,
        children: childrenOf.get(a.code) ? build(a.code) : undefined,
      }));
    return build('');
  }, [childrenKey, loadedParents.join(',')]);

  const search = useQuery({
    queryKey: ['areas', 'search', keyword],
    queryFn: ({ signal }) => api.get<{ items: AreaItem[]; truncated: boolean }>('/api/areas', { keyword }, signal),
    enabled: keyword.trim().length > 0,
  });

  const detail = useQuery({ ...areaDetailQuery(selected ?? ''), enabled: !!selected });
  const d = detail.data;

  const remove = useMutation({
    mutationFn: (code: string) => api.delete(`/api/areas/${code}`),
    onSuccess: async (_r, code) => {
      feedback.message.success('已删除');
      setSelected(d?.parentCode ?? null);
      await invalidateAreas(qc, code);
    },
  });

  return (
    <Row gutter={16}>
      <Col xs={24} lg={10} xl={9}>
        <Card
          title="行政区划"
          extra={
            editable && (
              <Button icon={<PlusOutlined />} onClick={() => setCreating({ parent: null })}>
                新增顶层区划
              </Button>
            )
          }
        >
          <Input.Search
            placeholder="按名称或代码查找"
            aria-label="查找区划"
            allowClear
            onSearch={(v) => setKeyword(v.trim())}
            style={{ marginBottom: 12 }}
          />
          {keyword ? (
            <>
              {search.data?.truncated && <Alert type="warning" showIcon title="结果过多，仅显示前 2000 条，请输入更具体的关键字" />}
              <List
                size="small"
                loading={search.isLoading}
                dataSource={search.data?.items ?? []}
                locale={{ emptyText: '没有符合条件的区划' }}
                renderItem={(a) => (
                  <List.Item
                    onClick={() => setSelected(a.code)}
                    style={{ cursor: 'pointer', background: a.code === selected ? '#e6f0ff' : undefined }}
                  >
                    <Space>
                      <LevelTag a={a} />
                      {a.name}
                      <Typography.Text type="secondary">{a.code}</Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            </>
          ) : (
            <Tree
              aria-label="区划树"
              showLine
              blockNode
              treeData={treeData}
              selectedKeys={selected ? [selected] : []}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys as string[])}
              onSelect={(keys) => keys[0] && setSelected(String(keys[0]))}
              loadData={async (node) => {
                const code = String(node.key);
                setLoadedParents((ps) => (ps.includes(code) ? ps : [...ps, code]));
                await qc.fetchQuery(areaChildrenQuery(code));
              }}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={14} xl={15}>
        <Card
          title={d ? `${d.name}` : '区划详情'}
          loading={detail.isLoading && !!selected}
          extra={
            d &&
            editable &&
            d.inScope && (
              <Space wrap>
                {d.level !== 'group' && (
                  <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating({ parent: d })}>
                    新增下级
                  </Button>
                )}
                <Button icon={<EditOutlined />} onClick={() => setEditing(d)}>
                  编辑
                </Button>
                <Popconfirm
                  title={`删除「${d.name}」？`}
                  description="只有没有下级、机构、用户和业务数据的区划才能删除。"
                  okText="删除"
                  okButtonProps={{ danger: true }}
                  cancelText="取消"
                  onConfirm={() => settled(remove.mutateAsync(d.code))}
                >
                  <Button danger icon={<DeleteOutlined />}>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            )
          }
        >
          {!d ? (
            <Empty description="请在左侧选择一个区划" />
          ) : (
            <Descriptions column={{ xs: 1, md: 2 }} bordered size="small">
              <Descriptions.Item label="区划名称">{d.name}</Descriptions.Item>
              <Descriptions.Item label="区划代码">
                <Typography.Text copyable>{d.code}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label="级别">
                <LevelTag a={d} />
              </Descriptions.Item>
              <Descriptions.Item label="所属县代码">{d.countyCode ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="上级" span={2}>
                {d.path.length ? d.path.map((p) => p.name).join(' / ') : '（顶层）'}
              </Descriptions.Item>
              <Descriptions.Item label="代码前缀">{d.prefix}</Descriptions.Item>
              <Descriptions.Item label="排序号">{d.sort}</Descriptions.Item>
              {d.level === 'township' && (
                <Descriptions.Item label="贷款前置条件" span={2}>
                  {d.loanPreconditionMet ? <Tag color="green">具备</Tag> : <Tag color="red">不具备</Tag>}
                  <Typography.Text type="secondary">（第五条1：乡镇领导、组织、人员到位）</Typography.Text>
                </Descriptions.Item>
              )}
              {!d.inScope && (
                <Descriptions.Item label="说明" span={2}>
                  此区划是您管辖范围的上级，仅供查看。
                </Descriptions.Item>
              )}
            </Descriptions>
          )}
        </Card>
      </Col>
      {creating && (
        <CreateAreaModal
          parent={creating.parent}
          onClose={() => setCreating(null)}
          onDone={(a) => {
            setCreating(null);
            if (a.parentCode) setExpanded((e) => [...new Set([...e, a.parentCode!])]);
            setSelected(a.code);
          }}
        />
      )}
      {editing && <EditAreaModal area={editing} onClose={() => setEditing(null)} />}
    </Row>
  );
}

function CreateAreaModal({ parent, onClose, onDone }: { parent: AreaItem | null; onClose: () => void; onDone: (a: AreaDetail) => void }) {
  const [form] = Form.useForm<CreateValues>();
  const qc = useQueryClient();
  const code = Form.useWatch('code', form) ?? '';
  const check = /^\d+$/.test(code) ? checkAreaCode(code) : null;
  const isTownship = check?.ok && check.level === 'township';

  const create = useMutation({
    mutationFn: (body: CreateValues) => api.post<AreaDetail>('/api/areas', { ...body, parentCode: parent?.code ?? null }),
    onSuccess: async (a) => {
      feedback.message.success(`已新增 ${a.name}`);
      await invalidateAreas(qc);
      onDone(a);
    },
    meta: { form, fieldLabels: areaFieldLabels },
  });

  return (
    <Modal
      open
      title={parent ? `新增下级区划 — ${parent.name}` : '新增顶层区划'}
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        name="areaCreate"
        form={form}
        layout="vertical"
        initialValues={{ code: parent && parent.level !== 'province' && parent.level !== 'city' ? parent.code : (parent?.prefix ?? ''), sort: 0 }}
        onFinish={(v) => {
          const body = parseForm(form, createAreaBody, { ...v, loanPreconditionMet: isTownship ? (v.loanPreconditionMet ?? true) : undefined });
          if (body) create.mutate(body as CreateValues);
        }}
      >
        <Form.Item
          label={areaFieldLabels.code}
          name="code"
          rules={[
            ...createRules.code,
            {
              validator: async (_r, v: string) => {
                if (!v || !/^\d+$/.test(v)) return;
                const c = checkAreaCode(v);
                if (!c.ok) throw new Error(c.reason);
                if (parent && !v.startsWith(parent.prefix)) throw new Error(`须以上级代码 ${parent.prefix} 开头`);
              },
            },
          ]}
          extra={childHint(parent)}
        >
          <Input inputMode="numeric" maxLength={15} autoFocus />
        </Form.Item>
        <Form.Item label={areaFieldLabels.name} name="name" rules={createRules.name}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item label={areaFieldLabels.sort} name="sort" rules={createRules.sort}>
          <InputNumber min={0} max={99999} precision={0} style={{ width: 160 }} />
        </Form.Item>
        {isTownship && (
          <Form.Item label={areaFieldLabels.loanPreconditionMet} name="loanPreconditionMet" valuePropName="checked" initialValue extra="第五条1：乡镇领导、组织、人员到位">
            <Switch checkedChildren="具备" unCheckedChildren="不具备" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function EditAreaModal({ area, onClose }: { area: AreaDetail; onClose: () => void }) {
  const [form] = Form.useForm<EditValues>();
  const qc = useQueryClient();
  const update = useMutation({
    mutationFn: (body: EditValues) => api.patch<AreaDetail>(`/api/areas/${area.code}`, body),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await invalidateAreas(qc);
      onClose();
    },
    meta: { form, fieldLabels: areaFieldLabels },
  });
  return (
    <Modal open title={`编辑区划 — ${area.name}（${area.code}）`} okText="保存" cancelText="取消" confirmLoading={update.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form
        name="areaEdit"
        form={form}
        layout="vertical"
        initialValues={{ name: area.name, sort: area.sort, loanPreconditionMet: area.loanPreconditionMet }}
        onFinish={(v) => {
          const body = parseForm(form, updateAreaBody, area.level === 'township' ? v : { ...v, loanPreconditionMet: undefined });
          if (body) update.mutate(body as EditValues);
        }}
      >
        <Form.Item label={areaFieldLabels.code}>
          <Input value={area.code} disabled />
        </Form.Item>
        <Form.Item label={areaFieldLabels.name} name="name" rules={[zodRule(createAreaBody.shape.name)]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item label={areaFieldLabels.sort} name="sort" rules={updateRules.sort}>
          <InputNumber min={0} max={99999} precision={0} style={{ width: 160 }} />
        </Form.Item>
        {area.level === 'township' && (
          <Form.Item label={areaFieldLabels.loanPreconditionMet} name="loanPreconditionMet" valuePropName="checked" extra="第五条1：乡镇领导、组织、人员到位">
            <Switch checkedChildren="具备" unCheckedChildren="不具备" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
