import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, DatePicker, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { createUnitVillageBody, endBody } from '@fupin/server/src/visits/pairing/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { parseForm, settled } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { visitsApi, type UnitVillageItem } from '../api';
import { UnitSelect } from '../components/pickers';

/** 单位包村: which units help which village, and the lead unit (牵头单位) of each. */
export default function UnitVillagesPage() {
  const can = useCan();
  const editable = can('visit:pairing:edit');
  const list = useListParams();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [ending, setEnding] = useState<UnitVillageItem | null>(null);
  const query = { page: list.page, pageSize: list.pageSize, areaCode: list.filters.areaCode, current: list.filters.history === 'true' ? 'false' : 'true' };
  const q = useQuery({ queryKey: ['visits', 'unit-villages', query], queryFn: ({ signal }) => visitsApi.unitVillages(query, signal), placeholderData: keepPreviousData });
  const lead = useMutation({
    mutationFn: (r: UnitVillageItem) => api.patch<UnitVillageItem>(`/api/visits/unit-villages/${r.id}`, { version: r.version, isLead: !r.isLead }),
    onSuccess: async () => {
      feedback.message.success('已保存');
      await qc.invalidateQueries({ queryKey: ['visits', 'unit-villages'] });
    },
  });
  const columns: TableColumnsType<UnitVillageItem> = [
    { title: '乡镇', dataIndex: 'townshipName' },
    { title: '村', dataIndex: 'villageName' },
    { title: '帮扶单位', dataIndex: 'unitName', render: (v, r) => <Space size={4}>{v}{r.isLead && <Tag color="blue">牵头</Tag>}</Space> },
    { title: '起止', key: 'period', render: (_, r) => `${r.startDate} 至 ${r.endDate ?? '今'}` },
    { title: '备注', key: 'note', render: (_, r) => r.endReason ?? r.note ?? '' },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 200,
            render: (_: unknown, r: UnitVillageItem) =>
              r.endDate === null && (
                <Space size={4}>
                  <Popconfirm title={r.isLead ? '取消牵头？' : '设为牵头帮扶单位？'} onConfirm={() => settled(lead.mutateAsync(r))} okText="确定" cancelText="取消">
                    <Button type="link" size="small">
                      {r.isLead ? '取消牵头' : '设为牵头'}
                    </Button>
                  </Popconfirm>
                  <Button type="link" size="small" onClick={() => setEnding(r)}>
                    结束
                  </Button>
                </Space>
              ),
          },
        ]
      : []),
  ];
  return (
    <ListCard
      title="单位包村"
      total={q.data?.total}
      actions={
        editable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            安排包村
          </Button>
        )
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          {/* 帮扶责任人 (data scope 本人) may not browse areas: the picker would only answer 403 */}
          {can('system:area:view') && (
            <Form.Item label="区划" name="areaCode">
              <AreaTreeSelect style={{ width: 220 }} placeholder="全部" />
            </Form.Item>
          )}
          <Form.Item label="范围" name="history">
            <Select style={{ width: 120 }} allowClear placeholder="当前" options={[{ value: 'true', label: '含已结束' }]} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<UnitVillageItem> rowKey="id" size="middle" columns={columns} dataSource={q.data?.items} loading={q.isFetching} pagination={list.pagination(q.data?.total)} onChange={list.onTableChange as never} />
      {creating && <CreateDrawer onClose={() => setCreating(false)} />}
      {ending && <EndModal item={ending} onClose={() => setEnding(null)} />}
    </ListCard>
  );
}

function CreateDrawer({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<{ unitOrgId?: number; villageCode?: string; isLead?: boolean; startDate?: dayjs.Dayjs; note?: string }>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<UnitVillageItem>('/api/visits/unit-villages', body),
    onSuccess: async (r) => {
      feedback.message.success(`已安排 ${r.unitName} 帮扶 ${r.villageName}`);
      await qc.invalidateQueries({ queryKey: ['visits', 'unit-villages'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Drawer open width={460} title="安排帮扶单位包村" onClose={onClose} extra={<Button type="primary" loading={save.isPending} onClick={() => form.submit()}>保存</Button>}>
      <Form
        name="unitVillage"
        form={form}
        layout="vertical"
        initialValues={{ startDate: dayjs(todayInChina()), isLead: false }}
        onFinish={(v) => {
          const body = parseForm(form, createUnitVillageBody, { ...v, startDate: v.startDate?.format('YYYY-MM-DD') });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="帮扶单位" name="unitOrgId" rules={[{ required: true, message: '请选择帮扶单位' }]}>
          <UnitSelect />
        </Form.Item>
        <Form.Item label="村" name="villageCode" rules={[{ required: true, message: '请选择村' }]}>
          <AreaTreeSelect placeholder="选择村" />
        </Form.Item>
        <Form.Item name="isLead" valuePropName="checked">
          <Checkbox>牵头帮扶单位（每村一个）</Checkbox>
        </Form.Item>
        <Form.Item label="开始日期" name="startDate">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="备注" name="note">
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function EndModal({ item, onClose }: { item: UnitVillageItem; onClose: () => void }) {
  const [form] = Form.useForm<{ endDate?: dayjs.Dayjs; reason?: string }>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post(`/api/visits/unit-villages/${item.id}/end`, body),
    onSuccess: async () => {
      feedback.message.success('已结束');
      await qc.invalidateQueries({ queryKey: ['visits', 'unit-villages'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`结束 ${item.unitName} 对 ${item.villageName} 的帮扶`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending}>
      <Form
        name="endUnitVillage"
        form={form}
        layout="vertical"
        initialValues={{ endDate: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, endBody, { endDate: v.endDate?.format('YYYY-MM-DD'), reason: v.reason });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="结束日期" name="endDate">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
