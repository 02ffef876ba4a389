import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tabs, Tag, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { todayInChina } from '@fupin/shared/date';
import { createExemptionBody } from '@fupin/server/src/visits/pairing/schemas';
import { putRuleBody } from '@fupin/server/src/visits/rates/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan, useSessionUser } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { parseForm } from '../../../lib/form';
import { STATUS_OPTIONS } from '../../registry/api';
import { visitsApi, type ExemptionItem, type RuleItem } from '../api';
import { CadreSelect, HouseholdSelect } from '../components/pickers';

const KIND_OPTIONS = [
  { value: 'home', label: '入户走访' },
  { value: 'phone', label: '电话联系' },
  { value: 'other', label: '其他方式' },
];

/** 走访规则 (per county and year) and 豁免 (households or cadres not counted for some days). */
export default function RulesPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'rules';
  return (
    <Card>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k })}
        items={[
          { key: 'rules', label: '走访规则', children: <Rules /> },
          { key: 'exemptions', label: '走访豁免', children: <Exemptions /> },
        ]}
      />
    </Card>
  );
}

function Rules() {
  const me = useSessionUser();
  const can = useCan();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [county, setCounty] = useState<string | undefined>(me.countyCode ?? undefined);
  const [year, setYear] = useState(Number(todayInChina().slice(0, 4)));
  const q = useQuery({
    queryKey: ['visits', 'rule', county, year],
    queryFn: ({ signal }) => api.get<RuleItem>('/api/visits/rules', { countyCode: county, year }, signal),
    enabled: !!county,
  });
  useEffect(() => {
    if (q.data) form.setFieldsValue(q.data);
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: (body: unknown) => api.put<RuleItem>(`/api/visits/rules/${county}/${year}`, body),
    onSuccess: async () => {
      feedback.message.success('走访规则已保存，走访率按新规则重新计算');
      await qc.invalidateQueries({ queryKey: ['visits'] });
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  const editable = can('visit:rule:edit');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        县
        {/* 帮扶责任人 (data scope 本人) may not browse areas: they read their own county's rule */}
        {can('system:area:view') ? (
          <AreaTreeSelect style={{ width: 220 }} value={county} onChange={(v) => typeof v === 'string' && setCounty(v.slice(0, 6))} placeholder="选择县（或其下任一区划）" />
        ) : (
          <span>本县（{county ?? '—'}）</span>
        )}
        年度 <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        {q.data?.isDefault && <Tag color="blue">本年度尚未设置，显示默认规则</Tag>}
      </Space>
      {!county ? (
        <Alert type="info" message="请选择县" />
      ) : (
        <Form
          name="visitRule"
          form={form}
          layout="horizontal"
          labelCol={{ span: 6 }}
          wrapperCol={{ span: 12 }}
          disabled={!editable || q.isFetching}
          onFinish={(v) => {
            const body = parseForm(form, putRuleBody, { ...v, visitDay: v.visitDay ?? null });
            if (body) save.mutate(body);
          }}
        >
          <Form.Item label="每户每月最少走访次数" name="minVisitsPerMonth" extra="第7篇：每月至少两次">
            <InputNumber min={0} max={31} />
          </Form.Item>
          <Form.Item label="每月走贫日" name="visitDay" extra="每月几号（不填 = 不设固定走贫日）">
            <InputNumber min={1} max={31} />
          </Form.Item>
          <Form.Item label="计入走访率的方式" name="countedKinds">
            <Checkbox.Group options={KIND_OPTIONS} />
          </Form.Item>
          <Form.Item label="纳入考核的户状态" name="requiredStatuses">
            <Checkbox.Group options={STATUS_OPTIONS.map((s) => ({ value: s.value, label: s.label }))} />
          </Form.Item>
          <Form.Item label="不足整月按天折算" name="proratePartialMonth" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item label="驻村每月最少在村天数" name="attendanceMinDays" extra="第6篇：每月15天以上">
            <InputNumber min={0} max={31} />
          </Form.Item>
          <Form.Item label="季度报告截止日" name="reportDueDay" extra="季度结束后次月几号前提交">
            <InputNumber min={1} max={31} />
          </Form.Item>
          {editable && (
            <Form.Item wrapperCol={{ offset: 6 }}>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                保存 {year} 年规则
              </Button>
            </Form.Item>
          )}
        </Form>
      )}
    </Space>
  );
}

function Exemptions() {
  const can = useCan();
  const qc = useQueryClient();
  const [month, setMonth] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const q = useQuery({
    queryKey: ['visits', 'exemptions', month, page],
    queryFn: ({ signal }) => visitsApi.exemptions({ month, page, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api.post<ExemptionItem>(`/api/visits/exemptions/${id}/revoke`),
    onSuccess: async () => {
      feedback.message.success('已撤销豁免');
      await qc.invalidateQueries({ queryKey: ['visits'] });
    },
  });
  const columns: TableColumnsType<ExemptionItem> = [
    {
      title: '豁免对象',
      key: 'who',
      render: (_, r) => (r.householdId ? <>农户 {r.headName ?? ''}（{r.householdNo}）</> : <>帮扶干部 {r.cadreName}</>),
    },
    { title: '开始', dataIndex: 'fromDate', width: 110 },
    { title: '结束', dataIndex: 'toDate', width: 110 },
    { title: '原因', dataIndex: 'reason' },
    { title: '状态', dataIndex: 'revoked', width: 90, render: (v) => (v ? <Tag>已撤销</Tag> : <Tag color="blue">有效</Tag>) },
    {
      title: '',
      key: 'actions',
      width: 80,
      render: (_, r) =>
        !r.revoked &&
        can('visit:pairing:edit') && (
          <Popconfirm title="撤销这条豁免？撤销后这些天重新计入走访率" onConfirm={() => revoke.mutate(r.id)}>
            <Button type="link" size="small" danger>
              撤销
            </Button>
          </Popconfirm>
        ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        月份
        <DatePicker picker="month" value={month ? dayjs(`${month}-01`) : null} onChange={(d) => (setMonth(d ? d.format('YYYY-MM') : undefined), setPage(1))} placeholder="全部" />
        {can('visit:pairing:edit') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            登记豁免
          </Button>
        )}
      </Space>
      <Table<ExemptionItem>
        rowKey="id"
        size="middle"
        loading={q.isFetching}
        dataSource={q.data?.items}
        columns={columns}
        pagination={{ current: page, pageSize: 20, total: q.data?.total, onChange: setPage, showSizeChanger: false }}
      />
      {adding && <ExemptionModal onClose={() => setAdding(false)} />}
    </Space>
  );
}

function ExemptionModal({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const who = Form.useWatch('who', form) ?? 'household';
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<ExemptionItem>('/api/visits/exemptions', body),
    onSuccess: async () => {
      feedback.message.success('已登记豁免');
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  const today = dayjs(todayInChina());
  return (
    <Modal open title="登记走访豁免" onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="登记">
      <Form
        name="exemption"
        form={form}
        layout="vertical"
        initialValues={{ who: 'household', range: [today.startOf('month'), today.endOf('month')] }}
        onFinish={(v) => {
          const body = parseForm(form, createExemptionBody, {
            householdId: v.who === 'household' ? v.householdId : undefined,
            cadreId: v.who === 'cadre' ? v.cadreId : undefined,
            fromDate: v.range?.[0]?.format('YYYY-MM-DD'),
            toDate: v.range?.[1]?.format('YYYY-MM-DD'),
            reason: v.reason,
          });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="豁免对象" name="who">
          <Radio.Group
            options={[
              { value: 'household', label: '农户（如全家外出务工、住院）' },
              { value: 'cadre', label: '帮扶干部（如长期病假）' },
            ]}
          />
        </Form.Item>
        {who === 'household' ? (
          <Form.Item label="农户" name="householdId" rules={[{ required: true, message: '请选择农户' }]}>
            <HouseholdSelect />
          </Form.Item>
        ) : (
          <Form.Item label="帮扶干部" name="cadreId" rules={[{ required: true, message: '请选择帮扶干部' }]}>
            <CadreSelect />
          </Form.Item>
        )}
        <Form.Item label="起止日期" name="range" rules={[{ required: true, message: '请选择起止日期' }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="豁免原因" name="reason" rules={[{ required: true, message: '请填写豁免原因' }]}>
          <Input.TextArea rows={2} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
