import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, Modal, Radio, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { todayInChina } from '@fupin/shared/date';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { PrintableRoster } from '../../../components/print/PrintableRoster';
import { formatYuanText } from '../../../lib/format';
import { reversePaymentBody } from '@fupin/server/src/loans/funds/schemas';
import { loansApi, type Claim, type PaymentRecord, type Roster } from '../api';
import { Money, useCounty, usePeriod, useTownship } from '../common';

/** 贴息结算: quarter-start prepayment, quarter-end settlement, payments to farmers, rosters (花名册), reimbursement claims. */
export default function SubsidyPage() {
  const { countyCode, picker: countyPicker } = useCounty();
  const { townshipCode, picker: townPicker } = useTownship(countyCode);
  const { year, quarter, picker } = usePeriod({ quarter: true });
  // the to-do list links straight to the step to do (?tab=settle, ?tab=claims)
  const [sp] = useSearchParams();
  const [tab, setTab] = useState(sp.get('tab') ?? 'prepay');
  return (
    <Card
      title="贴息结算"
      extra={
        <Space wrap>
          {countyPicker}
          {townPicker}
          {picker}
        </Space>
      }
    >
      {!townshipCode ? (
        <Alert type="info" message="请选择乡镇" />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'prepay', label: '季初预拨', children: <Prepay townshipCode={townshipCode} year={year} quarter={quarter} /> },
            { key: 'settle', label: '季末结算', children: <Settle townshipCode={townshipCode} year={year} quarter={quarter} /> },
            { key: 'payments', label: '兑付记录', children: <Payments townshipCode={townshipCode} year={year} quarter={quarter} /> },
            { key: 'rosters', label: '花名册', children: <Rosters townshipCode={townshipCode} year={year} quarter={quarter} /> },
            { key: 'claims', label: '提款报账', children: <Claims townshipCode={townshipCode} /> },
          ]}
        />
      )}
    </Card>
  );
}

function Prepay({ townshipCode, year, quarter }: { townshipCode: string; year: number; quarter: number }) {
  const can = useCan();
  const qc = useQueryClient();
  const [docNo, setDocNo] = useState('');
  // The money moves on the day the voucher says: the quarter-end settlement reads the coop's
  // balance on the quarter's last day, so a prepayment entered late keeps its real date.
  const [onDate, setOnDate] = useState<dayjs.Dayjs | null>(dayjs(todayInChina()));
  const q = useQuery({ queryKey: ['loans', 'prepay', townshipCode, year, quarter], queryFn: ({ signal }) => loansApi.prepaymentPreview({ townshipCode, year, quarter }, signal) });
  const m = useMutation({
    mutationFn: () => loansApi.prepay({ townshipCode, year, quarter, docNo, onDate: onDate?.format('YYYY-MM-DD') }),
    onSuccess: async (t) => {
      feedback.message.success(`已预拨 ${formatYuanText(t.amountFen)}`);
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  const p = q.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {p && (
        <Alert
          type={p.alreadyPrepaid ? 'success' : 'info'}
          showIcon
          message={`${p.label}（${p.from} 至 ${p.to}）到期贷款 ${p.lines.length} 笔，应付贴息 ${formatYuanText(p.totalFen)}${p.alreadyPrepaid ? '，本季已预拨' : ''}`}
          description="预拨金额按本季到期的生产性农户贷款逐笔计算（按到期日足额还款可得的贴息），不手工填写。"
        />
      )}
      <Table
        size="small"
        rowKey="loanId"
        loading={q.isLoading}
        pagination={false}
        dataSource={p?.lines ?? []}
        columns={[
          { title: '贷款编号', dataIndex: 'loanNo' },
          { title: '借款人', dataIndex: 'borrowerName' },
          { title: '本金（元）', dataIndex: 'principalFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '放款日', dataIndex: 'disbursedOn' },
          { title: '到期日', dataIndex: 'maturityDate' },
          { title: '应付贴息（元）', dataIndex: 'subsidyFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '计算公式', dataIndex: 'formula' },
        ]}
      />
      {can('loan:subsidy:finance-office') && p && !p.alreadyPrepaid && p.totalFen > 0 && (
        <Space.Compact>
          <DatePicker aria-label="预拨日期" value={onDate} onChange={setOnDate} allowClear={false} />
          <Input placeholder="预拨单据号" value={docNo} onChange={(e) => setDocNo(e.target.value)} style={{ width: 220 }} />
          <Button type="primary" disabled={!docNo.trim() || !onDate} loading={m.isPending} onClick={() => m.mutate()}>
            向信用社预拨 {formatYuanText(p.totalFen)}
          </Button>
        </Space.Compact>
      )}
    </Space>
  );
}

function Settle({ townshipCode, year, quarter }: { townshipCode: string; year: number; quarter: number }) {
  const can = useCan();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const list = useQuery({ queryKey: ['loans', 'settlements', townshipCode], queryFn: ({ signal }) => loansApi.settlements({ townshipCode }, signal) });
  const m = useMutation({
    mutationFn: (v: { mode: string; docNo: string }) => loansApi.settle({ townshipCode, year, quarter, ...v }),
    meta: { form },
    onSuccess: async (s) => {
      feedback.message.success(s.explanation);
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {can('loan:subsidy:finance-office') && (
        <Form form={form} layout="inline" onFinish={(v) => m.mutate(v)} initialValues={{ mode: 'carry_over' }}>
          <Form.Item name="mode" label="结余处理">
            <Radio.Group options={[{ value: 'carry_over', label: '结转下季' }, { value: 'refund', label: '退回财政所' }]} />
          </Form.Item>
          <Form.Item name="docNo" label="结算单号" rules={[{ required: true, message: '请填写单据号' }]}>
            <Input style={{ width: 180 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={m.isPending}>
            结算 {year} 年第 {quarter} 季度
          </Button>
        </Form>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        pagination={false}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: '季度', dataIndex: 'label' },
          { title: '结算日', dataIndex: 'settledOn' },
          { title: '季末结存（元）', dataIndex: 'coopBalanceFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '预拨及补拨（元）', dataIndex: 'prepaidFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '已兑付（元）', dataIndex: 'paidFen', align: 'right', render: (v, r) => <span><Money fen={v} />（{r.paidCount} 笔）</span> },
          { title: '应付未付（元）', dataIndex: 'unpaidEarnedFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '结果', key: 'o', render: (_, r) => <Tag color={r.outcome === 'top_up' ? 'orange' : 'blue'}>{r.outcomeLabel} {r.amountFen ? formatYuanText(r.amountFen) : ''}</Tag> },
          { title: '经办', dataIndex: 'createdByName' },
        ]}
      />
    </Space>
  );
}

function Rosters({ townshipCode, year, quarter }: { townshipCode: string; year: number; quarter: number }) {
  const can = useCan();
  const qc = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  const list = useQuery({ queryKey: ['loans', 'rosters', townshipCode], queryFn: ({ signal }) => loansApi.rosters({ townshipCode }, signal) });
  const file = useMutation({
    mutationFn: () => loansApi.fileRoster({ townshipCode, year, quarter }),
    onSuccess: async (r) => {
      feedback.message.success(`已报送花名册 ${r.rosterNo}`);
      setOpen(r.id);
      await qc.invalidateQueries({ queryKey: ['loans', 'rosters'] });
    },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {can('loan:disburse') && (
        <Button type="primary" loading={file.isPending} onClick={() => file.mutate()}>
          报送 {year} 年第 {quarter} 季度花名册
        </Button>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        pagination={false}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: '编号', dataIndex: 'rosterNo', render: (v, r) => <a onClick={() => setOpen(r.id)}>{v}</a> },
          { title: '季度', dataIndex: 'label' },
          { title: '户数', dataIndex: 'lineCount', align: 'right' },
          { title: '贴息合计（元）', dataIndex: 'totalFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '状态', dataIndex: 'statusLabel' },
          { title: '报送日', dataIndex: 'filedOn' },
          {
            title: '',
            key: 'x',
            render: (_, r) => (
              <Button size="small" icon={<DownloadOutlined />} href={loansApi.rosterXlsxUrl(r.id)}>
                Excel
              </Button>
            ),
          },
        ]}
      />
      {open && <RosterDrawer id={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}

function RosterDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const q = useQuery({ queryKey: ['loans', 'roster', id], queryFn: ({ signal }) => loansApi.roster(id, signal) });
  const r: Roster | undefined = q.data;
  return (
    <Drawer open width="90%" onClose={onClose} title={r ? `花名册 ${r.rosterNo}` : '花名册'} loading={q.isLoading}>
      {r && (
        <PrintableRoster
          title={r.print.title}
          subtitle={r.print.subtitle}
          unit={`${r.townshipName ?? ''}信用社`}
          date={r.filedOn}
          orientation="landscape"
          rows={r.lines}
          rowKey={(x) => x.paymentId}
          columns={[
            { key: 'borrowerName', title: '借款人', width: '16mm' },
            { key: 'idNumberMasked', title: '身份证号', width: '34mm' },
            { key: 'villageName', title: '村', width: '16mm' },
            { key: 'loanNo', title: '贷款编号', width: '34mm' },
            { key: 'principalFen', title: '本金（元）', money: (x) => x.principalFen, width: '20mm' },
            { key: 'disbursedOn', title: '放款日', width: '20mm' },
            { key: 'repaidOn', title: '还清日', width: '20mm' },
            { key: 'days', title: '天数', width: '10mm', render: (x) => x.days ?? '分期' },
            { key: 'subsidyFen', title: '贴息（元）', money: (x) => x.subsidyFen, width: '18mm' },
            { key: 'formula', title: '计算公式' },
            { key: 'sign', title: '领款人签字', signature: true },
          ]}
          totals={{ subsidyFen: formatYuanText(r.totalFen) }}
          notes={r.print.formulaNote}
          signatures={r.print.signatures.map((s) => s.replace(/：$/, ''))}
        />
      )}
      {r && <Typography.Paragraph type="secondary">身份证号已脱敏；每行的贴息按所示公式计算并四舍五入到分，合计为各行之和。</Typography.Paragraph>}
    </Drawer>
  );
}

/** A field rule from the server's own schema, so the form says what the API would. */
const zodRule = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { message: string }[] } } }) => ({
  validator: (_: unknown, v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? Promise.resolve() : Promise.reject(new Error(r.error!.issues[0].message));
  },
});

/**
 * The quarter's subsidy payments to farmers. A wrong payment is corrected by reversal (冲销):
 * the payment stays, listed with its reversal, and the subsidy can then be paid again on
 * 贷款台账. A payment already on a filed roster cannot be reversed (the server says which roster).
 */
function Payments({ townshipCode, year, quarter }: { townshipCode: string; year: number; quarter: number }) {
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['loans', 'payments', townshipCode, year, quarter], queryFn: ({ signal }) => loansApi.payments({ townshipCode, year, quarter }, signal) });
  const [reversing, setReversing] = useState<PaymentRecord | null>(null);
  const [form] = Form.useForm<{ docNo: string; reason: string }>();
  const reverse = useMutation({
    mutationFn: (v: { docNo: string; reason: string }) => loansApi.reversePayment(reversing!.id, v),
    onSuccess: async (r) => {
      feedback.message.success(`已冲销贴息兑付 ${formatYuanText(r.amountFen)}，退回${r.accountName}，余额 ${formatYuanText(r.balanceAfterFen)}；该笔贴息可重新兑付`);
      setReversing(null);
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  const mayReverse = (p: PaymentRecord) => !p.reversal && !p.rosterId && can(p.payer === 'coop' ? 'loan:disburse' : 'loan:subsidy:finance-bureau');
  return (
    <>
      <Table
        size="small"
        rowKey="id"
        loading={q.isLoading}
        pagination={false}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: '兑付日期', dataIndex: 'paidOn', width: 110 },
          { title: '贷款编号', dataIndex: 'loanNo' },
          { title: '领款人', dataIndex: 'payeeName' },
          { title: '贴息（元）', dataIndex: 'amountFen', align: 'right', render: (v, r) => (r.reversal ? <Typography.Text delete><Money fen={v} /></Typography.Text> : <Money fen={v} />) },
          { title: '凭证号', dataIndex: 'voucherNo' },
          { title: '花名册', dataIndex: 'rosterNo', render: (v) => v ?? '—' },
          {
            title: '状态',
            key: 's',
            render: (_, r) =>
              r.reversal ? (
                <Space direction="vertical" size={0}>
                  <Tag color="red">已冲销</Tag>
                  <Typography.Text type="secondary">
                    {r.reversal.reversedOn} {r.reversal.createdByName ?? ''}（{r.reversal.docNo}）：{r.reversal.reason}
                  </Typography.Text>
                </Space>
              ) : (
                <Tag color="green">有效</Tag>
              ),
          },
          {
            title: '',
            key: 'x',
            render: (_, r) =>
              mayReverse(r) ? (
                <Button
                  size="small"
                  type="link"
                  danger
                  onClick={() => {
                    form.resetFields();
                    setReversing(r);
                  }}
                >
                  冲销
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!reversing}
        title={reversing ? `冲销 ${reversing.payeeName} 的贴息兑付（凭证 ${reversing.voucherNo}）` : ''}
        okText="冲销"
        okButtonProps={{ danger: true, loading: reverse.isPending }}
        onCancel={() => setReversing(null)}
        onOk={() => form.validateFields().then((v) => reverse.mutateAsync(v)).catch(() => undefined)}
        destroyOnHidden
      >
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message="原兑付记录保留，另记一笔冲销并将贴息退回兑付账户；冲销后该笔贴息可重新兑付一次。已列入花名册的兑付不能冲销。"
        />
        <Form form={form} layout="vertical">
          <Form.Item name="docNo" label="冲销单据号" rules={[zodRule(reversePaymentBody.shape.docNo)]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="reason" label="冲销理由" rules={[zodRule(reversePaymentBody.shape.reason)]}>
            <Input.TextArea rows={3} maxLength={500} placeholder="如：兑付金额录错、领款人有误" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Claims({ townshipCode }: { townshipCode: string }) {
  const can = useCan();
  const qc = useQueryClient();
  const claims = useQuery({ queryKey: ['loans', 'claims', townshipCode], queryFn: ({ signal }) => loansApi.claims({ townshipCode }, signal) });
  const filed = useQuery({ queryKey: ['loans', 'rosters', townshipCode, 'filed'], queryFn: ({ signal }) => loansApi.rosters({ townshipCode, status: 'filed' }, signal) });
  const submit = useMutation({
    mutationFn: () => loansApi.submitClaim({ townshipCode, rosterIds: filed.data!.items.map((r) => r.id) }),
    onSuccess: async (c) => {
      feedback.message.success(`已申请报账 ${c.claimNo}`);
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  const [deciding, setDeciding] = useState<Claim | null>(null);
  const decide = useMutation({
    mutationFn: (v: { approve: boolean; note?: string }) => loansApi.decideClaim(deciding!.id, { version: deciding!.version, ...v }),
    onSuccess: async () => {
      feedback.message.success('已审核');
      setDeciding(null);
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  const [form] = Form.useForm();
  const filedTotal = (filed.data?.items ?? []).reduce((s, r) => s + r.totalFen, 0);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {can('loan:subsidy:finance-office') && (filed.data?.items.length ?? 0) > 0 && (
        <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate()}>
          凭 {filed.data!.items.length} 份花名册申请报账（{formatYuanText(filedTotal)}）
        </Button>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={claims.isLoading}
        pagination={false}
        dataSource={claims.data?.items ?? []}
        columns={[
          { title: '报账单号', dataIndex: 'claimNo' },
          { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => <Money fen={v} /> },
          { title: '花名册', dataIndex: 'rosterCount', align: 'right' },
          { title: '状态', dataIndex: 'status', render: (v, r) => <Tag color={v === 'approved' ? 'green' : v === 'rejected' ? 'red' : 'processing'}>{r.statusLabel}</Tag> },
          { title: '申请日', dataIndex: 'submittedOn' },
          { title: '审核', key: 'd', render: (_, r) => (r.decidedOn ? `${r.decidedOn} ${r.decidedByName ?? ''} ${r.decisionNote ?? ''}` : '—') },
          {
            title: '',
            key: 'x',
            render: (_, r) =>
              r.status === 'submitted' && can('loan:subsidy:finance-bureau') ? (
                <Button size="small" type="link" onClick={() => setDeciding(r)}>
                  审核
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal open={!!deciding} title={`审核报账 ${deciding?.claimNo ?? ''}`} onCancel={() => setDeciding(null)} confirmLoading={decide.isPending} onOk={() => form.validateFields().then((v) => decide.mutate(v))}>
        <Form form={form} layout="vertical" initialValues={{ approve: true }}>
          <Form.Item name="approve" label="结论">
            <Radio.Group options={[{ value: true, label: '核销' }, { value: false, label: '退回' }]} />
          </Form.Item>
          <Form.Item name="note" label="审核意见（退回须填写）">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
