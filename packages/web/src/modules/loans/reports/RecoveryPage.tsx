import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { yuanToFen } from '@fupin/shared/money';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { formatYuanText } from '../../../lib/format';
import { loansApi, uploadStatement, type StatementResult } from '../api';
import { bp, Money, useCounty, usePeriod } from '../common';

const ASSESS_COLOR: Record<string, string> = { reward: 'green', normal: 'blue', cut: 'red', no_data: 'default' };

/** 回收考核: recovery rate (defined), 第九条 assessment, next year's quota, work funds, reconciliation. */
export default function RecoveryPage() {
  const can = useCan();
  const { countyCode, picker } = useCounty();
  const { year, picker: yearPicker } = usePeriod();
  const rec = useQuery({ queryKey: ['loans', 'recovery', countyCode, year], queryFn: ({ signal }) => loansApi.recovery({ countyCode: countyCode!, year }, signal), enabled: !!countyCode });
  const assessment = useQuery({ queryKey: ['loans', 'assessment', countyCode, year], queryFn: ({ signal }) => loansApi.assessment({ countyCode: countyCode!, year }, signal), enabled: !!countyCode, retry: false, meta: { silent: true } });
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title="贷款回收率" extra={<Space>{picker}{yearPicker}</Space>}>
        {!countyCode && <Alert type="info" message="请选择县（区）" />}
        {rec.data && (
          <>
            <Alert style={{ marginBottom: 12 }} type="info" showIcon message={`统计期 ${rec.data.from} 至 ${rec.data.to}，截至 ${rec.data.asOf}`} description={rec.data.definition} />
            <Table
              size="small"
              rowKey={(r) => r.townshipCode ?? 'county'}
              pagination={false}
              dataSource={rec.data.items}
              columns={[
                { title: '乡镇', dataIndex: 'townshipName' },
                { title: '信用社', dataIndex: 'coopName', render: (v) => v ?? '县信用联社' },
                { title: '到期本金（元）', dataIndex: 'dueFen', align: 'right', render: (v) => <Money fen={v} /> },
                { title: '已收回（元）', dataIndex: 'recoveredFen', align: 'right', render: (v) => <Money fen={v} /> },
                { title: '回收率', dataIndex: 'recoveryRateText', align: 'right' },
              ]}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0} colSpan={2}>
                    全县
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    <Money fen={rec.data!.total.dueFen} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    <Money fen={rec.data!.total.recoveredFen} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    {rec.data!.total.recoveryRateText}
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              )}
            />
          </>
        )}
      </Card>
      {assessment.data && (
        <Card title={`${year} 年度考核（第九条：≥ ${bp(assessment.data.thresholds.rewardBp)} 增加指标并奖励，< ${bp(assessment.data.thresholds.cutBp)} 削减指标、不安排工作经费）`}>
          <Table
            size="small"
            rowKey="townshipCode"
            pagination={false}
            dataSource={assessment.data.items}
            columns={[
              { title: '乡镇', dataIndex: 'townshipName' },
              { title: '回收率', dataIndex: 'recoveryRateText', align: 'right' },
              { title: '考核结论', dataIndex: 'assessment', render: (v, r) => <Tag color={ASSESS_COLOR[v]}>{r.assessmentLabel}</Tag> },
              { title: '本年指标', key: 'q', render: (_, r) => `${formatYuanText(r.quotaFen)}／${r.quotaCount} 笔` },
              { title: '下年度建议指标', key: 'p', render: (_, r) => `${formatYuanText(r.proposedQuotaFen)}／${r.proposedQuotaCount} 笔` },
              { title: '下年工作经费', dataIndex: 'workFundsNextYear', render: (v) => (v ? <Tag color="green">可安排</Tag> : <Tag color="red">不安排</Tag>) },
            ]}
          />
        </Card>
      )}
      {countyCode && <WorkFunds countyCode={countyCode} year={year} editable={can('loan:scheme:edit')} />}
      {countyCode && can('loan:report') && <StatementCard countyCode={countyCode} />}
    </Space>
  );
}

function WorkFunds({ countyCode, year, editable }: { countyCode: string; year: number; editable: boolean }) {
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const list = useQuery({ queryKey: ['loans', 'work-funds', countyCode, year], queryFn: ({ signal }) => loansApi.workFunds({ countyCode, year }, signal) });
  const add = useMutation({
    mutationFn: (v: Record<string, unknown>) => loansApi.addWorkFund({ countyCode, year, recipientKind: v.recipientKind, areaCode: v.recipientKind === 'township_gov' ? v.areaCode : countyCode, amountFen: yuanToFen(String(v.amountYuan)), purpose: v.purpose, documentNo: v.documentNo }),
    meta: { form },
    onSuccess: async () => {
      feedback.message.success('已安排');
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['loans', 'work-funds'] });
    },
  });
  return (
    <Card title={`${year} 年度工作经费（第八条）`} extra={editable && <Button onClick={() => setOpen(true)}>安排工作经费</Button>}>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: '受领单位', dataIndex: 'recipientName' },
          { title: '类别', dataIndex: 'recipientKindLabel' },
          { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '用途', dataIndex: 'purpose' },
          { title: '文号', dataIndex: 'documentNo' },
        ]}
      />
      <Modal open={open} title="安排工作经费" onCancel={() => setOpen(false)} confirmLoading={add.isPending} onOk={() => form.validateFields().then((v) => add.mutate(v))}>
        <Form form={form} layout="vertical" initialValues={{ recipientKind: 'township_gov' }}>
          <Form.Item name="recipientKind" label="受领单位">
            <Select
              options={[
                { value: 'township_gov', label: '乡镇人民政府（含工作站）' },
                { value: 'credit_union', label: '县信用联社（含信用社）' },
                { value: 'finance_bureau', label: '县财政局（含财政所）' },
                { value: 'poverty_office', label: '县扶贫办' },
              ]}
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {() =>
              form.getFieldValue('recipientKind') === 'township_gov' && (
                <Form.Item name="areaCode" label="乡镇代码（9 位）" rules={[{ required: true, pattern: /^\d{9}$/, message: '请填写 9 位乡镇代码' }]}>
                  <Input />
                </Form.Item>
              )
            }
          </Form.Item>
          <Form.Item name="amountYuan" label="金额（元）" rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="purpose" label="用途" rules={[{ required: true }]}>
            <Input placeholder="表册制作、办公用品、宣传和培训" />
          </Form.Item>
          <Form.Item name="documentNo" label="文号" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function StatementCard({ countyCode }: { countyCode: string }) {
  const [date, setDate] = useState(dayjs(todayInChina()));
  const [result, setResult] = useState<StatementResult | null>(null);
  const up = useMutation({
    mutationFn: (file: File) => uploadStatement(file, { countyCode, statementDate: date.format('YYYY-MM-DD') }),
    onSuccess: (r) => {
      setResult(r);
      feedback.message.success(`核对完成：一致 ${r.summary.matched} 笔，不一致 ${r.items.length} 笔`);
    },
  });
  return (
    <Card title="与县信用联社对账（导入对账单 .xlsx）">
      <Space>
        <DatePicker value={date} onChange={(d) => d && setDate(d)} aria-label="对账日期" />
        <Upload accept=".xlsx" showUploadList={false} beforeUpload={(f) => (up.mutate(f), false)}>
          <Button icon={<UploadOutlined />} loading={up.isPending}>
            选择对账单
          </Button>
        </Upload>
        <Typography.Text type="secondary">须含“贷款编号”列；可含借款人、放款金额、放款日期、已还本金、贷款余额。</Typography.Text>
      </Space>
      {result && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 12 }}>
          <Alert
            type={result.items.length ? 'warning' : 'success'}
            message={`对账单 ${result.summary.statementRows} 笔，本系统 ${result.summary.ourLoans} 笔；一致 ${result.summary.matched}，不一致 ${result.summary.differing}，本系统无 ${result.summary.missingInOurs}，对账单无 ${result.summary.missingInStatement}${result.badRows.length ? `；${result.badRows.length} 行有误未导入` : ''}`}
          />
          <Table
            size="small"
            rowKey="loanNo"
            dataSource={result.items}
            columns={[
              { title: '贷款编号', dataIndex: 'loanNo' },
              { title: '借款人', dataIndex: 'borrowerName' },
              { title: '原因', dataIndex: 'reasons', render: (v: string[]) => v.map((x) => <div key={x}>{x}</div>) },
            ]}
          />
          {result.badRows.length > 0 && (
            <Table size="small" rowKey="rowNo" dataSource={result.badRows} columns={[{ title: '行号', dataIndex: 'rowNo' }, { title: '问题', dataIndex: 'reason' }]} pagination={false} />
          )}
        </Space>
      )}
    </Card>
  );
}
