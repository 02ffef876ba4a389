import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { yuanToFen } from '@fupin/shared/money';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatYuanText } from '../../../lib/format';
import { settled } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { loansApi, type Loan, type LoanDetail } from '../api';
import { Money, StatusTag } from '../common';
import { LoanImportButton } from './LoanImport';

const STATUS = [
  { value: 'active', label: '正常' },
  { value: 'overdue', label: '逾期' },
  { value: 'closed_on_time', label: '按期结清' },
  { value: 'closed_late', label: '逾期结清' },
  { value: 'written_off', label: '已核销' },
];
const BUCKETS = [
  { value: '1-30', label: '逾期 1–30 天' },
  { value: '31-90', label: '逾期 31–90 天' },
  { value: '91-180', label: '逾期 91–180 天' },
  { value: '180+', label: '逾期 180 天以上' },
];
const SUBSIDY_COLOR: Record<string, string> = { pending: 'default', earned: 'gold', paid: 'green', settled: 'green', reimbursed: 'cyan', forfeited: 'red', not_applicable: 'default' };

/** 贷款台账: every loan with its status (overdue and ageing), repayments and subsidy. */
export default function LoansPage() {
  const can = useCan();
  const list = useListParams();
  const [openId, setOpenId] = useState<number | null>(null);
  const q = useQuery({ queryKey: ['loans', 'loans', list.query], queryFn: ({ signal }) => loansApi.loans(list.query, signal), placeholderData: keepPreviousData });
  const columns: TableColumnsType<Loan> = [
    { title: '贷款编号', dataIndex: 'loanNo', width: 190, render: (v, r) => <a onClick={() => setOpenId(r.id)}>{v}</a> },
    { title: '借款人', dataIndex: 'borrowerName', render: (v, r) => (r.origin === 'imported' ? <Space size={4}>{v}<Tag>历史贷款</Tag></Space> : v) },
    { title: '村/乡镇', key: 'area', render: (_, r) => r.areaName ?? r.townshipName },
    { title: '本金（元）', dataIndex: 'principalFen', align: 'right', render: (v) => <Money fen={v} /> },
    { title: '余额（元）', dataIndex: 'outstandingFen', align: 'right', render: (v) => <Money fen={v} /> },
    { title: '放款日', dataIndex: 'disbursedOn' },
    { title: '到期日', dataIndex: 'maturityDate' },
    {
      title: '状态',
      key: 'status',
      render: (_, r) => (
        <Space size={2}>
          <StatusTag status={r.lifecycleStatus} label={r.lifecycleLabel} />
          {r.daysOverdue > 0 && <Tag color="red">{r.daysOverdue} 天</Tag>}
        </Space>
      ),
    },
    { title: '贴息（元）', key: 'subsidy', align: 'right', render: (_, r) => <Tag color={SUBSIDY_COLOR[r.subsidyStatus]}>{r.subsidyFen ? formatYuanText(r.subsidyFen) : '—'}</Tag> },
  ];
  return (
    <ListCard
      title="贷款台账"
      total={q.data?.total}
      actions={can(['loan:disburse', 'loan:review:county']) && <LoanImportButton />}
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item name="keyword" label="关键字">
            <Input allowClear placeholder="借款人、贷款或合同编号" />
          </Form.Item>
          <Form.Item name="areaCode" label="区划">
            <AreaTreeSelect allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select allowClear style={{ width: 120 }} options={STATUS} />
          </Form.Item>
          <Form.Item name="bucket" label="逾期账龄">
            <Select allowClear style={{ width: 150 }} options={BUCKETS} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<Loan>
        rowKey="id"
        size="middle"
        loading={q.isFetching}
        columns={columns}
        dataSource={q.data?.items ?? []}
        pagination={{ current: list.page, pageSize: list.pageSize, total: q.data?.total, showSizeChanger: true }}
        onChange={list.onTableChange}
      />
      {openId && <LoanDrawer id={openId} onClose={() => setOpenId(null)} />}
    </ListCard>
  );
}

function LoanDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['loans', 'loan', id], queryFn: ({ signal }) => loansApi.loan(id, signal) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['loans'] });
  const [repayForm] = Form.useForm();
  const [payForm] = Form.useForm();
  const repay = useMutation({
    mutationFn: (v: { paidOn: dayjs.Dayjs; amountYuan: number; receiptNo?: string }) =>
      loansApi.repay(id, { version: q.data!.version, paidOn: v.paidOn.format('YYYY-MM-DD'), principalFen: yuanToFen(String(v.amountYuan)), receiptNo: v.receiptNo || undefined }),
    meta: { form: repayForm },
    onSuccess: async () => {
      feedback.message.success('已登记还款');
      repayForm.resetFields();
      await refresh();
    },
  });
  const reverse = useMutation({
    mutationFn: (rid: number) => loansApi.reverseRepayment(id, rid, '登记有误，冲销'),
    onSuccess: async () => {
      feedback.message.success('已冲销');
      await refresh();
    },
  });
  const pay = useMutation({
    mutationFn: (v: { paidOn: dayjs.Dayjs; voucherNo: string }) => loansApi.paySubsidy(id, { paidOn: v.paidOn.format('YYYY-MM-DD'), voucherNo: v.voucherNo }),
    meta: { form: payForm },
    onSuccess: async (p) => {
      feedback.message.success(`已兑付贴息 ${formatYuanText(p.amountFen)}，${p.accountName}余额 ${formatYuanText(p.balanceAfterFen)}`);
      await refresh();
    },
  });
  const writeOff = useMutation({
    mutationFn: () => loansApi.writeOff(id, { version: q.data!.version, reason: '经信用社核准核销' }),
    onSuccess: async () => {
      feedback.message.success('已核销');
      await refresh();
    },
  });
  const l: LoanDetail | undefined = q.data;
  const lender = l && (l.kind === 'household' ? can('loan:disburse') : can(['loan:disburse', 'loan:review:county']));
  return (
    <Drawer open width={860} onClose={onClose} title={l ? `${l.loanNo} ${l.borrowerName}` : '贷款'} loading={q.isLoading}>
      {l && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={3}>
            <Descriptions.Item label="状态">
              <StatusTag status={l.lifecycleStatus} label={l.lifecycleLabel} />
              {l.daysOverdue > 0 && <Tag color="red">逾期 {l.daysOverdue} 天</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="合同">{l.contractNo}</Descriptions.Item>
            <Descriptions.Item label="放贷机构">{l.lenderOrgName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="本金">{formatYuanText(l.principalFen)}</Descriptions.Item>
            <Descriptions.Item label="已还">{formatYuanText(l.repaidFen)}</Descriptions.Item>
            <Descriptions.Item label="余额">{formatYuanText(l.outstandingFen)}</Descriptions.Item>
            <Descriptions.Item label="放款日">{l.disbursedOn}</Descriptions.Item>
            <Descriptions.Item label="到期日">{l.maturityDate}</Descriptions.Item>
            <Descriptions.Item label="年利率">{(l.coopRateBp / 100).toFixed(2)}%</Descriptions.Item>
          </Descriptions>

          <Card size="small" title={`还款计划（${l.scheduleKind === 'bullet' ? '到期一次还本' : '分期'}）`}>
            <Table
              size="small"
              rowKey="seq"
              pagination={false}
              dataSource={l.instalments}
              columns={[
                { title: '期次', dataIndex: 'seq' },
                { title: '到期日', dataIndex: 'dueDate', render: (v, r) => (r.graceDate !== v ? `${v}（遇节假日顺延至 ${r.graceDate}）` : v) },
                { title: '本金（元）', dataIndex: 'principalFen', align: 'right', render: (v) => <Money fen={v} /> },
                { title: '已还（元）', dataIndex: 'paidFen', align: 'right', render: (v) => <Money fen={v} /> },
                { title: '还清日', dataIndex: 'paidOffOn', render: (v) => v ?? '—' },
                { title: '', dataIndex: 'late', render: (v) => (v ? <Tag color="red">逾期</Tag> : null) },
              ]}
            />
          </Card>

          <Card size="small" title="还款记录（更正只能冲销，原记录保留）">
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={l.repayments}
              columns={[
                { title: '日期', dataIndex: 'paidOn' },
                { title: '本金（元）', dataIndex: 'principalFen', align: 'right', render: (v) => <Money fen={v} /> },
                { title: '收据', dataIndex: 'receiptNo' },
                { title: '备注', dataIndex: 'note' },
                { title: '经办', dataIndex: 'createdByName' },
                {
                  title: '',
                  key: 'x',
                  render: (_, r) =>
                    r.reversalOf ? (
                      <Tag>冲销记录</Tag>
                    ) : r.reversed ? (
                      <Tag color="default">已冲销</Tag>
                    ) : lender && ['active', 'closed_on_time', 'closed_late'].includes(l.status) ? (
                      <Popconfirm title="冲销这笔还款？" onConfirm={() => settled(reverse.mutateAsync(r.id))}>
                        <Button size="small" type="link" danger>
                          冲销
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]}
            />
            {lender && l.status === 'active' && (
              <Form form={repayForm} layout="inline" style={{ marginTop: 12 }} onFinish={(v) => repay.mutate(v)} initialValues={{ paidOn: dayjs(todayInChina()) }}>
                <Form.Item name="paidOn" label="还款日期" rules={[{ required: true }]}>
                  <DatePicker />
                </Form.Item>
                <Form.Item name="amountYuan" label="本金（元）" rules={[{ required: true, message: '请填写金额' }]}>
                  <InputNumber min={0.01} max={l.outstandingFen / 100} precision={2} />
                </Form.Item>
                <Form.Item name="receiptNo" label="收据号">
                  <Input style={{ width: 120 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={repay.isPending}>
                  登记还款
                </Button>
                <Popconfirm title="核销该贷款？核销后不予贴息，且计为原贷款未还清。" onConfirm={() => settled(writeOff.mutateAsync())}>
                  <Button danger style={{ marginInlineStart: 8 }}>
                    核销
                  </Button>
                </Popconfirm>
              </Form>
            )}
          </Card>

          <Card size="small" title={`贴息（${l.subsidy.payerLabel}兑付）`}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space>
                <Tag color={SUBSIDY_COLOR[l.subsidy.status]}>{l.subsidy.statusLabel}</Tag>
                <Typography.Text strong>{formatYuanText(l.subsidy.amountFen)}</Typography.Text>
                <Typography.Text type="secondary">{l.subsidy.reason}</Typography.Text>
              </Space>
              {l.subsidy.lines.map((x, i) => (
                <Typography.Text key={i} code>
                  {x.formula}
                </Typography.Text>
              ))}
              {l.subsidy.status === 'earned' && can(l.subsidy.payer === 'coop' ? 'loan:disburse' : 'loan:subsidy:finance-bureau') && (
                <Form form={payForm} layout="inline" onFinish={(v) => pay.mutate(v)} initialValues={{ paidOn: dayjs(todayInChina()) }}>
                  <Form.Item name="paidOn" label="兑付日期" rules={[{ required: true }]}>
                    <DatePicker />
                  </Form.Item>
                  <Form.Item name="voucherNo" label="凭证号" rules={[{ required: true, message: '请填写凭证号' }]}>
                    <Input style={{ width: 140 }} />
                  </Form.Item>
                  <Button type="primary" htmlType="submit" loading={pay.isPending}>
                    兑付贴息
                  </Button>
                </Form>
              )}
              <Timeline
                items={l.subsidyEvents.map((e) => ({
                  color: e.event === 'forfeited' ? 'red' : e.event === 'paid' || e.event === 'reimbursed' ? 'green' : 'blue',
                  children: (
                    <span>
                      {e.onDate} {e.eventLabel} {e.amountFen ? formatYuanText(e.amountFen) : ''} {e.document ? `（${e.document}）` : ''}{' '}
                      <Typography.Text type="secondary">{e.actorName}</Typography.Text>
                    </span>
                  ),
                }))}
              />
            </Space>
          </Card>
        </Space>
      )}
    </Drawer>
  );
}
