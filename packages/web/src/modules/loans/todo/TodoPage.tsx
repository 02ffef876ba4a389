import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, DatePicker, Drawer, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import { todayInChina } from '@fupin/shared/date';
import type { decisionNoticeSchema, notificationsResponse } from '@fupin/server/src/loans/decisions/schemas';
import type { financeTodoResponse } from '@fupin/server/src/loans/todo/schemas';
import { api, type Paged } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { PrintableRoster, PrintButton } from '../../../components/print/PrintableRoster';
import { DeadlineTag, Money } from '../common';

type Todo = z.output<typeof financeTodoResponse>;
type Notice = z.output<typeof decisionNoticeSchema>;
type Inbox = z.output<typeof notificationsResponse>;

const DELIVERY = [
  { value: 'in_person', label: '本人当面领取' },
  { value: 'via_village', label: '由村委会转交' },
  { value: 'post', label: '邮寄送达' },
  { value: 'phone_then_paper', label: '电话告知后补送书面通知' },
];

/** 待办与通知: the finance office's and the county finance bureau's deadline queue, decisions told to the station, and the households' decision notices. */
export default function TodoPage() {
  const can = useCan();
  const finance = can('loan:subsidy:finance-office') || can('loan:subsidy:finance-bureau');
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      {finance && <FinanceQueue />}
      <Notifications />
      <Notices />
    </Space>
  );
}

function FinanceQueue() {
  const can = useCan();
  // the bureau's own kinds mean nothing to a finance office
  const bureau = can('loan:subsidy:finance-bureau');
  const q = useQuery({ queryKey: ['loans', 'finance-todo'], queryFn: ({ signal }) => api.get<Todo>('/api/loans/funds/todo', undefined, signal) });
  const d = q.data;
  return (
    <Card
      title={
        <Space>
          贴息资金待办
          {d && <Badge count={d.overdue} title="已逾期" />}
        </Space>
      }
      extra={d?.counts.filter((c) => bureau || (c.kind !== 'allocation' && c.kind !== 'claim_review')).map((c) => (
        <Tag key={c.kind} color={c.overdue ? 'red' : 'default'}>
          {c.label} {c.count}
          {c.overdue ? `（逾期 ${c.overdue}）` : ''}
        </Tag>
      ))}
    >
      <Table
        size="small"
        rowKey={(r) => `${r.kind}-${r.townshipCode}-${r.year}-${r.quarter}-${r.title}`}
        loading={q.isLoading}
        pagination={false}
        dataSource={d?.items ?? []}
        rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
        columns={[
          { title: '事项', dataIndex: 'kindLabel', render: (v, r) => <Tag color={r.overdue ? 'red' : 'blue'}>{v}</Tag> },
          { title: '承办', dataIndex: 'actorLabel' },
          { title: '乡镇', dataIndex: 'townshipName' },
          { title: '季度', dataIndex: 'quarterLabel' },
          { title: '说明', dataIndex: 'detail' },
          { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => (v ? <Money fen={v} /> : '—') },
          { title: '期限', key: 'due', render: (_, r) => <DeadlineTag deadline={r} /> },
          { title: '', key: 'go', render: (_, r) => <Link to={r.link}>去办理</Link> },
        ]}
      />
      {d && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {d.rules.join(' ')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

function Notifications() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['loans', 'notifications'], queryFn: ({ signal }) => api.get<Inbox>('/api/loans/notifications', { limit: 50 }, signal) });
  const read = useMutation({
    mutationFn: (id: number) => api.post(`/api/loans/notifications/${id}/read`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['loans', 'notifications'] }),
  });
  return (
    <Card title={<Space>贷款决定通知（第十二条2：告知工作站）<Badge count={q.data?.unread ?? 0} /></Space>}>
      <Table
        size="small"
        rowKey="id"
        loading={q.isLoading}
        pagination={false}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: '日期', dataIndex: 'createdOn', width: 110 },
          { title: '通知', dataIndex: 'title', render: (v, r) => (r.read ? v : <Typography.Text strong>{v}</Typography.Text>) },
          { title: '内容', dataIndex: 'body' },
          { title: '通知书', key: 'n', render: (_, r) => (r.noticeNo ? <Tag color={r.noticeDelivered ? 'green' : 'orange'}>{r.noticeNo} {r.noticeDelivered ? '已送达' : '待送达'}</Tag> : '—') },
          {
            title: '',
            key: 'x',
            render: (_, r) =>
              r.read ? (
                <Typography.Text type="secondary">已阅 {r.readByName}</Typography.Text>
              ) : (
                <Button size="small" loading={read.isPending && read.variables === r.id} onClick={() => read.mutate(r.id)}>
                  标记已阅
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}

function Notices() {
  const [delivered, setDelivered] = useState<'false' | 'true' | undefined>('false');
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({
    queryKey: ['loans', 'decision-notices', delivered],
    queryFn: ({ signal }) => api.get<Paged<Notice>>('/api/loans/decision-notices', { delivered, pageSize: 100 }, signal),
  });
  return (
    <Card
      title="决定通知书（送达农户）"
      extra={
        <Select
          aria-label="送达情况"
          value={delivered ?? 'all'}
          style={{ width: 120 }}
          onChange={(v) => setDelivered(v === 'all' ? undefined : (v as 'true' | 'false'))}
          options={[
            { value: 'false', label: '待送达' },
            { value: 'true', label: '已送达' },
            { value: 'all', label: '全部' },
          ]}
        />
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={q.isLoading}
        pagination={false}
        dataSource={q.data?.items ?? []}
        columns={[
          { title: '通知书编号', dataIndex: 'noticeNo', render: (v, r) => <a onClick={() => setOpen(r.id)}>{v}</a> },
          { title: '申请', dataIndex: 'applicationNo' },
          { title: '农户', key: 'to', render: (_, r) => r.content.to },
          { title: '决定', dataIndex: 'decisionLabel', render: (v, r) => <Tag color={r.decision === 'approved' ? 'green' : r.decision === 'rejected' ? 'red' : 'orange'}>{v}</Tag> },
          { title: '决定单位', key: 'by', render: (_, r) => `${r.decidedByOrg ?? ''}（${r.stageLabel}）` },
          { title: '决定日期', dataIndex: 'decidedOn' },
          { title: '送达', key: 'd', render: (_, r) => (r.delivered ? `${r.deliveredOn} ${r.deliveryMethodLabel}，签收人 ${r.recipientName}` : <Tag color="orange">待送达</Tag>) },
        ]}
      />
      {open && <NoticeDrawer id={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}

function NoticeDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const can = useCan();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const q = useQuery({ queryKey: ['loans', 'decision-notice', id], queryFn: ({ signal }) => api.get<Notice>(`/api/loans/decision-notices/${id}`, undefined, signal) });
  const deliver = useMutation({
    mutationFn: (v: { deliveredOn: dayjs.Dayjs; method: string; recipientName: string; note?: string }) =>
      api.post<Notice>(`/api/loans/decision-notices/${id}/delivery`, { version: q.data!.version, deliveredOn: v.deliveredOn.format('YYYY-MM-DD'), method: v.method, recipientName: v.recipientName, note: v.note || undefined }),
    meta: { form },
    onSuccess: async () => {
      feedback.message.success('已登记送达');
      await qc.invalidateQueries({ queryKey: ['loans'] });
    },
  });
  const n = q.data;
  const c = n?.content;
  const rows = c
    ? [
        { k: '农户', v: c.to },
        { k: '所在村', v: c.villageName ?? '—' },
        { k: '身份证号', v: c.idNumberMasked ?? '—' },
        { k: '申请编号', v: c.applicationNo },
        { k: '项目', v: `${c.projectName}（${c.industryLabel}）` },
        { k: '申请金额与期限', v: `${c.amountText}，${c.termMonths} 个月` },
        { k: '决定', v: c.decisionLabel },
        { k: '决定单位', v: `${c.decidedBy}（${c.stageLabel}），${c.decidedOn}` },
        { k: '意见与理由', v: [c.opinion, ...c.reasons].filter(Boolean).join('；') || '—' },
        { k: '请您', v: c.nextSteps },
      ]
    : [];
  return (
    <Drawer open width={820} onClose={onClose} title={n ? `决定通知书 ${n.noticeNo}` : '决定通知书'} loading={q.isLoading} extra={<PrintButton />}>
      {c && n && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <PrintableRoster
            title={c.title}
            subtitle={`${c.noticeNo}　依据：${c.article}`}
            unit={c.decidedBy}
            date={c.decidedOn}
            orientation="portrait"
            index={false}
            rows={rows}
            rowKey={(r) => r.k}
            columns={[
              { key: 'k', title: '事项', width: '34mm' },
              { key: 'v', title: '内容' },
            ]}
            notes="姓名、身份证号已部分隐去。本通知书一式两份，一份交农户，一份留存。"
            signatures={['农户签收', '送达人', '送达日期']}
          />
          {n.delivered ? (
            <Alert type="success" showIcon message={`已于 ${n.deliveredOn} ${n.deliveryMethodLabel}，签收人 ${n.recipientName}（登记人 ${n.deliveredByName ?? ''}）${n.deliveryNote ? `：${n.deliveryNote}` : ''}`} />
          ) : (
            (can('loan:apply') || can('loan:review:station')) && (
              <Form form={form} layout="inline" onFinish={(v) => deliver.mutate(v)} initialValues={{ deliveredOn: dayjs(todayInChina()), method: 'in_person' }}>
                <Form.Item name="deliveredOn" label="送达日期" rules={[{ required: true }]}>
                  <DatePicker />
                </Form.Item>
                <Form.Item name="method" label="送达方式" rules={[{ required: true }]}>
                  <Select style={{ width: 190 }} options={DELIVERY} />
                </Form.Item>
                <Form.Item name="recipientName" label="签收人" rules={[{ required: true, message: '请填写签收人' }]}>
                  <Input style={{ width: 120 }} />
                </Form.Item>
                <Form.Item name="note" label="说明">
                  <Input style={{ width: 160 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={deliver.isPending}>
                  登记送达
                </Button>
              </Form>
            )
          )}
        </Space>
      )}
    </Drawer>
  );
}
