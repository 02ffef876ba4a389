import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { yuanToFen } from '@fupin/shared/money';
import { reportError } from '../../../api/errors';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { formatYuanText } from '../../../lib/format';
import { loansApi, type Account, type Transfer } from '../api';
import { Money, useCounty, usePeriod } from '../common';

/** 专户台账: every account with its balance, every line with its source document, reconciliation. */
export default function LedgerPage() {
  const can = useCan();
  const qc = useQueryClient();
  const { countyCode, picker } = useCounty();
  const { year, quarter, picker: period } = usePeriod({ quarter: true });
  const [account, setAccount] = useState<Account | null>(null);
  const [allocating, setAllocating] = useState<{ townshipCode: string; townshipName: string; proposedFen: number } | null>(null);
  const [budget, setBudget] = useState(false);
  const accounts = useQuery({ queryKey: ['loans', 'accounts', countyCode], queryFn: ({ signal }) => loansApi.accounts(countyCode ?? undefined, signal) });
  const transfers = useQuery({ queryKey: ['loans', 'transfers', countyCode], queryFn: ({ signal }) => loansApi.transfers({ countyCode: countyCode ?? undefined }, signal) });
  const recon = useQuery({ queryKey: ['loans', 'recon', countyCode], queryFn: ({ signal }) => loansApi.reconciliation(countyCode!, signal), enabled: !!countyCode });
  const bureau = can('loan:subsidy:finance-bureau');
  const proposal = useQuery({ queryKey: ['loans', 'proposal', countyCode, year, quarter], queryFn: ({ signal }) => loansApi.proposal({ countyCode: countyCode!, year, quarter }, signal), enabled: !!countyCode && bureau });
  const entries = useQuery({ queryKey: ['loans', 'entries', account?.id], queryFn: ({ signal }) => loansApi.entries(account!.id, { pageSize: 200 }, signal), enabled: !!account });
  const reverse = useMutation({
    mutationFn: (t: Transfer) => loansApi.reverseTransfer(t.id, { docNo: `CX-${t.docNo}`, reason: '单据有误，冲销' }),
    onSuccess: async () => {
      feedback.message.success('已冲销');
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="贴息资金专户"
        extra={
          <Space>
            {picker}
            {bureau && countyCode && <Button onClick={() => setBudget(true)}>资金到位</Button>}
          </Space>
        }
      >
        {recon.data && (
          <Alert
            style={{ marginBottom: 12 }}
            type={recon.data.ok ? 'success' : 'error'}
            showIcon
            message={recon.data.ok ? '各级余额核对一致' : '对账不一致，请检查'}
            description={recon.data.explanation}
          />
        )}
        <Table<Account>
          size="small"
          rowKey="id"
          pagination={false}
          loading={accounts.isLoading}
          dataSource={accounts.data?.items ?? []}
          onRow={(r) => ({ onClick: () => setAccount(r), style: { cursor: 'pointer' } })}
          columns={[
            { title: '专户', dataIndex: 'name' },
            { title: '单位', dataIndex: 'kindLabel' },
            { title: '余额（元）', dataIndex: 'balanceFen', align: 'right', render: (v) => <Money fen={v} /> },
            { title: '对账', key: 'ok', render: (_, r) => { const x = recon.data?.accounts.find((a) => a.id === r.id); return x ? (x.ok ? <Tag color="green">一致</Tag> : <Tag color="red">不一致</Tag>) : null; } },
          ]}
        />
      </Card>
      {account && (
        <Card title={`${account.name} 明细（收支两条线，更正只能冲销）`} extra={<Button onClick={() => setAccount(null)}>关闭</Button>}>
          <Table
            size="small"
            rowKey="id"
            loading={entries.isLoading}
            pagination={false}
            dataSource={entries.data?.items ?? []}
            columns={[
              { title: '日期', dataIndex: 'entryDate' },
              { title: '摘要', dataIndex: 'kindLabel' },
              { title: '收入（元）', key: 'in', align: 'right', render: (_, e) => (e.direction === 'in' ? <Money fen={e.amountFen} /> : null) },
              { title: '支出（元）', key: 'out', align: 'right', render: (_, e) => (e.direction === 'out' ? <Money fen={e.amountFen} /> : null) },
              { title: '备查（元）', key: 'memo', align: 'right', render: (_, e) => (e.direction === 'memo' ? <Money fen={e.amountFen} /> : null) },
              { title: '余额（元）', dataIndex: 'balanceAfterFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '单据', dataIndex: 'sourceDocNo' },
              { title: '对方', dataIndex: 'counterparty' },
              { title: '说明', dataIndex: 'memo', ellipsis: true },
              { title: '经办', dataIndex: 'createdByName' },
            ]}
          />
        </Card>
      )}
      {bureau && countyCode && (
        <Card title="按季拨付（依据贷款发放与到期情况测算）" extra={period}>
          <Table
            size="small"
            rowKey="townshipCode"
            loading={proposal.isLoading}
            pagination={false}
            dataSource={proposal.data?.items ?? []}
            columns={[
              { title: '乡镇', dataIndex: 'townshipName' },
              { title: '已发放贷款', key: 'lent', render: (_, r) => `${r.loansDisbursedCount} 笔 ${formatYuanText(r.loansDisbursedFen)}` },
              { title: '本季到期应付贴息', dataIndex: 'dueSubsidyFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '应付未付', dataIndex: 'earnedUnpaidFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '财政所结存', dataIndex: 'financeOfficeBalanceFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '信用社结存', dataIndex: 'coopBalanceFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '本季已拨', dataIndex: 'allocatedThisQuarterFen', align: 'right', render: (v) => <Money fen={v} /> },
              { title: '建议拨付', dataIndex: 'proposedFen', align: 'right', render: (v) => <Typography.Text strong><Money fen={v} /></Typography.Text> },
              { title: '', key: 'x', render: (_, r) => <Button size="small" type="link" onClick={() => setAllocating(r)}>拨付</Button> },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            财政局贴息专户余额：{formatYuanText(proposal.data?.bureauBalanceFen ?? 0)}
          </Typography.Paragraph>
        </Card>
      )}
      <Card title="资金单据">
        <Table<Transfer>
          size="small"
          rowKey="id"
          loading={transfers.isLoading}
          dataSource={transfers.data?.items ?? []}
          columns={[
            { title: '日期', dataIndex: 'onDate' },
            { title: '单据号', dataIndex: 'docNo' },
            { title: '类型', dataIndex: 'kindLabel' },
            { title: '付出', dataIndex: 'fromName', render: (v) => v ?? '上级财政预算' },
            { title: '收入', dataIndex: 'toName' },
            { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => <Money fen={v} /> },
            { title: '说明', dataIndex: 'note', ellipsis: true },
            {
              title: '',
              key: 'x',
              render: (_, t) =>
                !t.reversalOf && can(t.kind === 'budget' || t.kind === 'allocation' ? 'loan:subsidy:finance-bureau' : 'loan:subsidy:finance-office') ? (
                  <Popconfirm title={`冲销单据 ${t.docNo}？原单据保留，另生成冲销单据。`} onConfirm={() => reverse.mutateAsync(t).catch(() => undefined)}>
                    <Button size="small" type="link" danger>
                      冲销
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      {allocating && countyCode && (
        <MoneyModal
          title={`向${allocating.townshipName}财政所拨付 ${year} 年第 ${quarter} 季度贴息资金`}
          initialFen={allocating.proposedFen}
          onClose={() => setAllocating(null)}
          onSubmit={(amountFen, docNo) => loansApi.allocate({ townshipCode: allocating.townshipCode, year, quarter, amountFen, docNo }).then(() => qc.invalidateQueries({ queryKey: ['loans'] }))}
        />
      )}
      {budget && countyCode && (
        <MoneyModal
          title="贴息资金到位（第十五条1）"
          initialFen={0}
          onClose={() => setBudget(false)}
          onSubmit={(amountFen, docNo) => loansApi.budget({ countyCode, amountFen, docNo }).then(() => qc.invalidateQueries({ queryKey: ['loans'] }))}
        />
      )}
    </Space>
  );
}

function MoneyModal({ title, initialFen, onClose, onSubmit }: { title: string; initialFen: number; onClose: () => void; onSubmit: (fen: number, docNo: string) => Promise<unknown> }) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      confirmLoading={busy}
      onOk={() =>
        form.validateFields().then(async (v) => {
          setBusy(true);
          try {
            await onSubmit(yuanToFen(String(v.amountYuan)), v.docNo);
            feedback.message.success('已入账');
            onClose();
          } catch (e) {
            reportError(e);
          } finally {
            setBusy(false);
          }
        })
      }
    >
      <Form form={form} layout="vertical" initialValues={{ amountYuan: initialFen ? initialFen / 100 : undefined }}>
        <Form.Item name="amountYuan" label="金额（元）" rules={[{ required: true, message: '请填写金额' }]}>
          <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="docNo" label="单据号" rules={[{ required: true, message: '请填写单据号' }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
