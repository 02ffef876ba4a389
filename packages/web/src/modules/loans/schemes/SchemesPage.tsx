import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Empty, Form, Input, InputNumber, Modal, Progress, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { createSchemeBody, schemeFieldLabels } from '@fupin/server/src/loans/schemes/schemas';
import { yuanToFen } from '@fupin/shared/money';
import { useDict } from '../../../api/dicts';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { formatYuanText } from '../../../lib/format';
import { zodRules } from '../../../lib/form';
import { loansApi, type Quota, type Scheme } from '../api';
import { Money, useCounty, usePeriod } from '../common';

const rules = zodRules(createSchemeBody);

/** 贷款方案 (every figure of 第三、五、七、九条, versioned) and 计划指标 (第六条). */
export default function SchemesPage() {
  const can = useCan();
  const { countyCode, picker } = useCounty();
  const { year, picker: yearPicker } = usePeriod();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Scheme | 'new' | null>(null);
  const [quota, setQuota] = useState<Quota | null>(null);
  const schemes = useQuery({
    queryKey: ['loans', 'schemes', countyCode, year],
    queryFn: ({ signal }) => loansApi.schemes({ countyCode: countyCode!, year, includeSuperseded: 'true' }, signal),
    enabled: !!countyCode,
  });
  const quotas = useQuery({ queryKey: ['loans', 'quotas', countyCode, year], queryFn: ({ signal }) => loansApi.quotas(countyCode!, year, signal), enabled: !!countyCode });
  const current = schemes.data?.items.find((s) => s.status === 'active');
  const editable = can('loan:scheme:edit');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="贷款方案"
        extra={
          <Space>
            {picker}
            {yearPicker}
            {editable && countyCode && (
              <Button type="primary" onClick={() => setEditing(current ?? 'new')}>
                {current ? '修订（生成新版本）' : '发布本年度方案'}
              </Button>
            )}
          </Space>
        }
      >
        {!countyCode && <Alert type="info" message="请选择县（区）" />}
        {countyCode && !current && !schemes.isLoading && <Empty description={`${year} 年度尚未发布方案`} />}
        {current && (
          <>
            <Typography.Paragraph>
              <Typography.Text strong>{current.name}</Typography.Text> 第 {current.version} 版 {current.documentNo ? `（${current.documentNo}）` : ''}
              <Tag color="green" style={{ marginInlineStart: 8 }}>
                现行
              </Tag>
            </Typography.Paragraph>
            <Descriptions bordered size="small" column={1}>
              {current.summary.map((s) => (
                <Descriptions.Item key={s.label} label={`${s.label}（${s.article}）`}>
                  {s.value}
                </Descriptions.Item>
              ))}
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              历次版本（已有贷款按其申请时的版本执行）
            </Typography.Title>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={schemes.data?.items}
              columns={[
                { title: '版本', dataIndex: 'version' },
                { title: '状态', dataIndex: 'statusLabel' },
                { title: '修订理由', dataIndex: 'changeReason', render: (v) => v ?? '首次发布' },
                { title: '发布人', dataIndex: 'createdByName' },
                { title: '时间', dataIndex: 'createdAt', render: (v: string) => v.slice(0, 10) },
              ]}
            />
          </>
        )}
      </Card>
      <Card title={`${year} 年度乡镇计划指标（实时使用情况）`}>
        <Table<Quota>
          size="middle"
          rowKey="townshipCode"
          loading={quotas.isLoading}
          pagination={false}
          dataSource={quotas.data?.items ?? []}
          columns={[
            { title: '乡镇', dataIndex: 'townshipName', render: (v, r) => <Space>{v}{!r.loanPreconditionMet && <Tag color="red">未达贷款条件</Tag>}</Space> },
            { title: '计划金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => <Money fen={v} /> },
            { title: '计划笔数', dataIndex: 'loanCount', align: 'right' },
            { title: '已批准（元）', dataIndex: 'usedFen', align: 'right', render: (v) => <Money fen={v} /> },
            { title: '已批准笔数', dataIndex: 'usedCount', align: 'right' },
            { title: '审查中（元）', dataIndex: 'pendingFen', align: 'right', render: (v) => <Money fen={v} /> },
            { title: '剩余（元）', dataIndex: 'remainingFen', align: 'right', render: (v) => <span style={{ color: v < 0 ? '#cf1322' : undefined }}>{formatYuanText(v)}</span> },
            { title: '使用率', dataIndex: 'usedPercent', width: 160, render: (v) => (v == null ? '—' : <Progress percent={Math.min(100, v)} size="small" status={v > 100 ? 'exception' : 'normal'} format={() => `${v}%`} />) },
            { title: '文号', dataIndex: 'documentNo' },
            ...(editable ? [{ title: '', key: 'x', render: (_: unknown, r: Quota) => <Button size="small" type="link" onClick={() => setQuota(r)}>{r.id ? '调整' : '下达'}</Button> }] : []),
          ]}
          summary={() =>
            quotas.data && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  <Money fen={quotas.data.totals.amountFen} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {quotas.data.totals.loanCount}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <Money fen={quotas.data.totals.usedFen} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {quotas.data.totals.usedCount}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )
          }
        />
      </Card>
      {editing && countyCode && <SchemeForm countyCode={countyCode} year={year} current={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => qc.invalidateQueries({ queryKey: ['loans'] })} />}
      {quota && countyCode && <QuotaForm quota={quota} countyCode={countyCode} year={year} onClose={() => setQuota(null)} onSaved={() => qc.invalidateQueries({ queryKey: ['loans'] })} />}
    </Space>
  );
}

function SchemeForm({ countyCode, year, current, onClose, onSaved }: { countyCode: string; year: number; current: Scheme | null; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const industries = useDict('loan_industry');
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) => {
      const params = {
        subsidyRateBp: Math.round(Number(v.ratePercent) * 100),
        dayCountBasis: v.dayCountBasis,
        householdCapFen: yuanToFen(String(v.capYuan)),
        maxTermMonths: v.maxTermMonths,
        eligibleIndustries: v.eligibleIndustries,
        stationReviewDays: v.stationReviewDays,
        coopReviewDays: v.coopReviewDays,
        villageReviewDays: v.villageReviewDays,
        countyReviewDays: v.countyReviewDays,
        reportDay: v.reportDay,
        rewardThresholdBp: Math.round(Number(v.rewardPercent) * 100),
        cutThresholdBp: Math.round(Number(v.cutPercent) * 100),
        lateRule: v.lateRule,
      };
      return current
        ? loansApi.reviseScheme(current.id, { version: current.version, changeReason: v.changeReason, name: v.name, documentNo: v.documentNo || undefined, ...params })
        : loansApi.createScheme({ countyCode, year, name: v.name, documentNo: v.documentNo || undefined, ...params });
    },
    meta: { form, fieldLabels: schemeFieldLabels },
    onSuccess: (s) => {
      feedback.message.success(`已发布第 ${s.version} 版`);
      onSaved();
      onClose();
    },
  });
  const init = current ?? {
    name: `${year} 年扶贫到户贷款实施办法`,
    subsidyRateBp: 258,
    dayCountBasis: 360,
    householdCapFen: 2_000_000,
    maxTermMonths: 12,
    eligibleIndustries: ['tobacco', 'sugarcane', 'mulberry', 'livestock', 'offseason_veg', 'led_industry', 'other_farming'],
    villageReviewDays: 5,
    stationReviewDays: 5,
    coopReviewDays: 10,
    countyReviewDays: 10,
    reportDay: 5,
    rewardThresholdBp: 9500,
    cutThresholdBp: 9000,
    lateRule: 'forfeit_all',
    documentNo: null,
  };
  return (
    <Modal open width={760} title={current ? `修订方案（将生成第 ${current.version + 1} 版）` : '发布年度贷款方案'} onCancel={onClose} confirmLoading={m.isPending} onOk={() => form.validateFields().then((v) => m.mutate(v))}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          ...init,
          ratePercent: init.subsidyRateBp / 100,
          capYuan: init.householdCapFen / 100,
          rewardPercent: init.rewardThresholdBp / 100,
          cutPercent: init.cutThresholdBp / 100,
        }}
      >
        <Space wrap>
          <Form.Item name="name" label="方案名称" rules={rules.name}>
            <Input style={{ width: 320 }} />
          </Form.Item>
          <Form.Item name="documentNo" label="文号">
            <Input style={{ width: 200 }} />
          </Form.Item>
        </Space>
        {current && (
          <Form.Item name="changeReason" label="修订理由" rules={[{ required: true, message: '请填写修订理由' }]}>
            <Input />
          </Form.Item>
        )}
        <Space wrap>
          <Form.Item name="ratePercent" label="年贴息率（%，第三条5）">
            <InputNumber min={0} max={100} precision={2} />
          </Form.Item>
          <Form.Item name="dayCountBasis" label="计息天数基数">
            <Radio.Group options={[{ value: 360, label: '360' }, { value: 365, label: '365' }]} />
          </Form.Item>
          <Form.Item name="capYuan" label="农户贷款上限（元，第七条1）">
            <InputNumber min={1} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="maxTermMonths" label="最长期限（月，第三条4）">
            <InputNumber min={1} max={120} />
          </Form.Item>
        </Space>
        <Form.Item name="eligibleIndustries" label="贷款投向（第三条2）">
          <Select mode="multiple" options={industries.options.filter((o) => o.value !== 'non_production')} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="villageReviewDays" label="村委会初审（工作日）">
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="stationReviewDays" label="工作站审查（工作日）">
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="coopReviewDays" label="信用社决定（工作日）">
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="countyReviewDays" label="县级审批（工作日）">
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="reportDay" label="季报日（每季首月）">
            <InputNumber min={1} max={28} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="rewardPercent" label="奖励回收率（%）">
            <InputNumber min={0} max={100} precision={2} />
          </Form.Item>
          <Form.Item name="cutPercent" label="削减回收率（%）">
            <InputNumber min={0} max={100} precision={2} />
          </Form.Item>
          <Form.Item name="lateRule" label="部分逾期的贴息">
            <Select
              style={{ width: 280 }}
              options={[
                { value: 'forfeit_all', label: '任何一笔逾期，整笔不贴息' },
                { value: 'forfeit_late_part', label: '只有逾期部分不贴息' },
              ]}
            />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function QuotaForm({ quota, countyCode, year, onClose, onSaved }: { quota: Quota; countyCode: string; year: number; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const m = useMutation({
    mutationFn: (v: { amountYuan: number; loanCount: number; documentNo?: string }) =>
      loansApi.putQuota({ countyCode, year, townshipCode: quota.townshipCode, amountFen: yuanToFen(String(v.amountYuan)), loanCount: v.loanCount, documentNo: v.documentNo || undefined, version: quota.version ?? undefined }),
    meta: { form },
    onSuccess: () => {
      feedback.message.success('已保存');
      onSaved();
      onClose();
    },
  });
  return (
    <Modal open title={`${quota.townshipName} ${year} 年度计划指标`} onCancel={onClose} confirmLoading={m.isPending} onOk={() => form.validateFields().then((v) => m.mutate(v))}>
      <Form form={form} layout="vertical" initialValues={{ amountYuan: quota.amountFen / 100, loanCount: quota.loanCount, documentNo: quota.documentNo }}>
        <Form.Item name="amountYuan" label="计划金额（元）" rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="loanCount" label="计划笔数" rules={[{ required: true }]}>
          <InputNumber min={0} />
        </Form.Item>
        <Form.Item name="documentNo" label="文号">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
