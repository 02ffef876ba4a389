import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, DatePicker, Form, Input, Modal, Select, Table } from 'antd';
import dayjs from 'dayjs';
import { eventFieldLabels } from '@fupin/server/src/registry/events/schemas';
import { feedback } from '../../../app/feedback';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { stripBlanks } from '../../../lib/form';
import { EVENT_OPTIONS, registryApi, type HouseholdDetail } from '../api';
import { DictSelect, HouseholdPicker } from '../components';
import { MemberFields } from './HouseholdForm';

const ADDS = new Set(['birth', 'marriage_in', 'move_in', 'member_add']);
const ONE_LEAVES = new Set(['death', 'marriage_out', 'move', 'member_remove']);

/** 动态调整: one form whose fields follow the kind of change. */
export function EventModal({ household, onClose }: { household: HouseholdDetail; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const kind = Form.useWatch('kind', form) as string | undefined;
  const personId = Form.useWatch('personId', form) as number | undefined;
  const personIds = (Form.useWatch('personIds', form) as number[] | undefined) ?? [];
  const newHead = Form.useWatch('newHeadPersonId', form) as number | undefined;
  const fromHouseholdId = Form.useWatch('fromHouseholdId', form) as number | undefined;
  // 并户: the server needs each incoming member's relation to this head, so the form asks for it
  const merging = useQuery({
    queryKey: ['registry', 'household', fromHouseholdId],
    queryFn: ({ signal }) => registryApi.household(fromHouseholdId!, signal),
    enabled: kind === 'merge' && fromHouseholdId != null,
  });
  const incoming = kind === 'merge' && merging.data && merging.data.id === fromHouseholdId ? merging.data.members.filter((m) => m.status === 'active') : [];
  const active = household.members.filter((m) => m.status === 'active');
  const head = active.find((m) => m.relation === 'head');
  const leaving = kind && ONE_LEAVES.has(kind) ? (personId ? [personId] : []) : kind === 'move_out' || kind === 'split' ? personIds : [];
  const headLeaves = !!head && leaving.includes(head.id);
  const stay = active.filter((m) => !leaving.includes(m.id));
  const needsRelations = kind === 'head_change' || (headLeaves && kind !== 'split') || (kind === 'split' && headLeaves);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => registryApi.event(household.id, body),
    meta: { form, fieldLabels: eventFieldLabels as never },
    onSuccess: async () => {
      feedback.message.success('已记录');
      await qc.invalidateQueries({ queryKey: ['registry'] });
      onClose();
    },
  });

  function submit(v: Record<string, unknown>) {
    const body: Record<string, unknown> = { kind: v.kind, version: household.version };
    if (v.date) body.date = (v.date as dayjs.Dayjs).format('YYYY-MM-DD');
    if (v.note) body.note = v.note;
    if (ADDS.has(kind!)) body.member = stripBlanks(v.member as object);
    for (const k of ['personId', 'newHeadPersonId', 'toHouseholdId', 'fromHouseholdId', 'relation', 'address', 'areaCode', 'remainingHeadPersonId']) if (v[k] != null && v[k] !== '') body[k] = v[k];
    if (v.personIds) body.personIds = v.personIds;
    const rel = (v.relations ?? {}) as Record<string, string | undefined>;
    const relations = Object.fromEntries(Object.entries(rel).filter(([, r]) => r));
    if (kind === 'split') {
      body.newRelations = Object.fromEntries(Object.entries((v.newRelations ?? {}) as Record<string, string | undefined>).filter(([, r]) => r));
      body.relations = relations;
    } else if (kind === 'merge') {
      const inc = (v.incoming ?? {}) as Record<string, string | undefined>;
      body.relations = { ...relations, ...Object.fromEntries(Object.entries(inc).filter(([, r]) => r)) };
    } else if (kind !== 'member_remove' && !ADDS.has(kind!)) body.relations = relations;
    if (kind === 'member_remove') delete body.date;
    save.mutate(body);
  }

  const memberOptions = (list = active) => list.map((m) => ({ value: m.id, label: `${m.name}（${m.relationLabel}）` }));

  return (
    <Modal open width={900} title={`动态调整：${household.headName}户`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="保存" destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ date: dayjs() }} name="household-event">
        <Form.Item name="kind" label="变动类型" rules={[{ required: true, message: '请选择变动类型' }]}>
          <Select options={EVENT_OPTIONS as never} placeholder="请选择或输入，如“出生”" showSearch={{ optionFilterProp: 'label' }} />
        </Form.Item>
        {kind && kind !== 'member_remove' && (
          <Form.Item name="date" label="变动日期" rules={[{ required: kind !== 'birth' && kind !== 'member_add', message: '请选择日期' }]}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        )}
        {kind && ADDS.has(kind) && <MemberFields prefix={['member']} />}
        {kind && ONE_LEAVES.has(kind) && (
          <Form.Item name="personId" label="成员" rules={[{ required: true, message: '请选择成员' }]}>
            <Select options={memberOptions()} />
          </Form.Item>
        )}
        {(kind === 'move_out' || kind === 'split') && (
          <Form.Item name="personIds" label={kind === 'split' ? '分出的成员' : '迁出的成员'} rules={[{ required: true, message: '请选择成员' }]}>
            <Select mode="multiple" options={memberOptions()} />
          </Form.Item>
        )}
        {kind === 'move' && (
          <>
            <Form.Item name="toHouseholdId" label="迁入户" rules={[{ required: true, message: '请选择迁入户' }]}>
              <HouseholdPicker exclude={household.id} />
            </Form.Item>
            <Form.Item name="relation" label="与迁入户户主的关系" rules={[{ required: true, message: '请选择' }]}>
              <DictSelect type="relation" />
            </Form.Item>
          </>
        )}
        {kind === 'merge' && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title="并户：被并户的全部在册成员并入本户，原户注销。请填写每名并入成员与本户户主的关系。"
          />
        )}
        {kind === 'merge' && (
          <Form.Item name="fromHouseholdId" label="被并户" rules={[{ required: true, message: '请选择被并户' }]}>
            <HouseholdPicker exclude={household.id} />
          </Form.Item>
        )}
        {incoming.length > 0 && (
          <Table
            size="small"
            pagination={false}
            rowKey="id"
            style={{ marginBottom: 12 }}
            dataSource={incoming}
            columns={[
              { title: '并入的成员', dataIndex: 'name' },
              { title: '原关系', dataIndex: 'relationLabel' },
              {
                title: '与本户户主的关系',
                key: 'rel',
                render: (_, m) => (
                  <Form.Item name={['incoming', String(m.id)]} style={{ marginBottom: 0 }} rules={[{ required: true, message: `请选择${m.name}与本户户主的关系` }]}>
                    <DictSelect type="relation" showSearch={{ optionFilterProp: 'label' }} style={{ width: 160 }} aria-label={`${m.name}与本户户主的关系`} />
                  </Form.Item>
                ),
              },
            ]}
          />
        )}
        {kind === 'split' && (
          <>
            <Form.Item name="newHeadPersonId" label="新户户主" rules={[{ required: true, message: '请选择新户户主' }]}>
              <Select options={memberOptions(active.filter((m) => personIds.includes(m.id)))} />
            </Form.Item>
            <Table
              size="small"
              pagination={false}
              rowKey="id"
              dataSource={active.filter((m) => personIds.includes(m.id) && m.id !== newHead)}
              columns={[
                { title: '分出的成员', dataIndex: 'name' },
                { title: '与新户主的关系', key: 'rel', render: (_, m) => <Form.Item name={['newRelations', String(m.id)]} noStyle><DictSelect type="relation" style={{ width: 160 }} /></Form.Item> },
              ]}
            />
            <Form.Item name="areaCode" label="新户所在村（组）（不填则与原户相同）" style={{ marginTop: 12 }}>
              <AreaTreeSelect />
            </Form.Item>
            <Form.Item name="address" label="新户住址">
              <Input maxLength={200} />
            </Form.Item>
            {headLeaves && (
              <Form.Item name="remainingHeadPersonId" label="原户的新户主" rules={[{ required: true, message: '户主分出后原户须指定新户主' }]}>
                <Select options={memberOptions(stay)} />
              </Form.Item>
            )}
          </>
        )}
        {(kind === 'head_change' || (headLeaves && kind !== 'split')) && (
          <Form.Item name="newHeadPersonId" label="新户主" rules={[{ required: true, message: '请选择新户主' }]}>
            <Select options={memberOptions(stay.filter((m) => m.relation !== 'head' || kind !== 'head_change'))} />
          </Form.Item>
        )}
        {needsRelations && (
          <Table
            size="small"
            pagination={false}
            rowKey="id"
            style={{ marginBottom: 12 }}
            dataSource={stay.filter((m) => m.id !== newHead && !(kind === 'split' && m.id === form.getFieldValue('remainingHeadPersonId')))}
            columns={[
              { title: '留在本户的成员', dataIndex: 'name' },
              { title: '现关系', dataIndex: 'relationLabel' },
              {
                title: '与新户主的关系（变化时填写）',
                key: 'rel',
                // the former head has no relation to the new head yet, so it must be given (the server refuses
                // without it); its error shows in the row, where the user can see which select it means
                render: (_, m) => (
                  <Form.Item
                    name={['relations', String(m.id)]}
                    style={{ marginBottom: 0 }}
                    rules={kind === 'head_change' && m.relation === 'head' ? [{ required: true, message: `请选择原户主${m.name}与新户主的关系` }] : []}
                  >
                    <DictSelect type="relation" style={{ width: 160 }} aria-label={`${m.name}与新户主的关系`} />
                  </Form.Item>
                ),
              },
            ]}
          />
        )}
        {kind && (
          <Form.Item name="note" label={kind === 'member_remove' ? '原因' : '说明（如迁往何处）'} rules={[{ required: kind === 'member_remove', message: '请写明原因' }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
