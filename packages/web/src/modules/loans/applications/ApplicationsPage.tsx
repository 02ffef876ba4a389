import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tabs, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { createApplicationBody } from '@fupin/server/src/loans/applications/schemas';
import { todayInChina } from '@fupin/shared/date';
import { yuanToFen } from '@fupin/shared/money';
import { useDict } from '../../../api/dicts';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatYuanText } from '../../../lib/format';
import { zodRules } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { loansApi, type Application, type ApplicationDetail } from '../api';
import { DeadlineTag, Money, StatusTag } from '../common';
import { HouseholdSelect } from '../HouseholdSelect';
import { AttachmentList, EvidenceNames } from '../../../components/AttachmentList';

const STAGE_PATH: Record<string, string> = {
  village: 'village-review',
  station: 'station-review',
  coop: 'coop-decision',
  county_office: 'county-review',
  credit_union: 'county-review',
};
const rules = zodRules(createApplicationBody);

/** 贷款申请: my queue (deadlines, overdue in red), all applications, the review of one. */
export default function ApplicationsPage() {
  const can = useCan();
  const list = useListParams();
  const tab = list.filters.tab ?? 'queue';
  // ?open=<id>: the home page's to-do links straight to one application
  const [openId, setOpenId] = useState<number | null>(() => Number(new URLSearchParams(window.location.search).get('open')) || null);
  const [creating, setCreating] = useState(false);
  const queue = useQuery({
    queryKey: ['loans', 'queue', list.query],
    queryFn: ({ signal }) => loansApi.queue({ page: list.page, pageSize: list.pageSize, stage: list.filters.stage }, signal),
    placeholderData: keepPreviousData,
    enabled: tab === 'queue',
  });
  const all = useQuery({
    queryKey: ['loans', 'applications', list.query],
    queryFn: ({ signal }) => loansApi.applications({ ...list.query, tab: undefined }, signal),
    placeholderData: keepPreviousData,
    enabled: tab === 'all',
  });
  const columns: TableColumnsType<Application> = [
    { title: '申请编号', dataIndex: 'appNo', width: 190, render: (v, r) => <a onClick={() => setOpenId(r.id)}>{v}</a> },
    {
      title: '借款人',
      dataIndex: 'borrowerName',
      render: (v, r) => (
        <Space size={4}>
          {v}
          {r.preferential && <Tag color="gold">{r.prefReasons.join('、')}</Tag>}
          {r.kind === 'enterprise' && <Tag>企业</Tag>}
        </Space>
      ),
    },
    { title: '村/乡镇', key: 'area', render: (_, r) => r.areaName ?? r.townshipName },
    { title: '项目', dataIndex: 'projectName', ellipsis: true },
    { title: '产业', dataIndex: 'industryLabel' },
    { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (v) => <Money fen={v} /> },
    { title: '期限', dataIndex: 'termMonths', render: (v) => `${v} 个月` },
    { title: '状态', key: 'status', render: (_, r) => <StatusTag status={r.lifecycleStatus} label={r.stage && r.status === 'submitted' ? r.stageLabel! : r.lifecycleLabel} /> },
    { title: '期限', key: 'deadline', render: (_, r) => <DeadlineTag deadline={r.deadline} /> },
    {
      title: '提示',
      key: 'flags',
      render: (_, r) => (
        <Space size={2} wrap>
          {r.needsCounty && r.kind === 'household' && <Tag color="purple">超限额需县审批</Tag>}
          {r.overQuota && <Tag color={r.quotaDecided ? 'blue' : 'red'}>{r.quotaDecided ? '超指标（已决定）' : '超出乡镇指标'}</Tag>}
          {!r.subsidyEligible && <Tag>不贴息</Tag>}
        </Space>
      ),
    },
  ];
  const data = tab === 'queue' ? queue.data : all.data;
  return (
    <ListCard
      title="贷款申请"
      total={data?.total}
      actions={
        can('loan:apply') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            受理申请
          </Button>
        )
      }
      filters={
        <Tabs
          activeKey={tab}
          onChange={(k) => list.setFilters({ tab: k })}
          items={[
            { key: 'queue', label: '我的待办' },
            { key: 'all', label: '全部申请' },
          ]}
        />
      }
    >
      {tab === 'queue' && (
        <Space wrap style={{ marginBottom: 12 }}>
          {queue.data?.stages.map((s) => (
            <Button key={s.stage} type={list.filters.stage === s.stage ? 'primary' : 'default'} onClick={() => list.setFilters({ tab, stage: s.stage })}>
              {s.label} {s.count}
              {s.overdue > 0 && (
                <Tag color="red" style={{ marginInlineStart: 6 }}>
                  逾期 {s.overdue}
                </Tag>
              )}
            </Button>
          ))}
          {can('loan:apply') && (
            <Button type={list.filters.stage === 'returned' ? 'primary' : 'default'} onClick={() => list.setFilters({ tab, stage: 'returned' })}>
              退回待补充
            </Button>
          )}
        </Space>
      )}
      {tab === 'all' && (
        <FilterBar filters={list.filters} onSearch={(v) => list.setFilters({ ...v, tab })}>
          <Form.Item name="keyword" label="关键字">
            <Input allowClear placeholder="姓名、编号或项目" />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select
              allowClear
              style={{ width: 140 }}
              options={[
                { value: 'submitted', label: '审查中' },
                { value: 'returned', label: '退回补充材料' },
                { value: 'approved', label: '已批准' },
                { value: 'rejected', label: '已拒绝' },
                { value: 'withdrawn', label: '已撤回' },
              ]}
            />
          </Form.Item>
          <Form.Item name="overdue" label="逾期未审">
            <Select allowClear style={{ width: 90 }} options={[{ value: 'true', label: '是' }]} />
          </Form.Item>
        </FilterBar>
      )}
      <Table<Application>
        rowKey="id"
        size="middle"
        loading={tab === 'queue' ? queue.isFetching : all.isFetching}
        columns={columns}
        dataSource={data?.items ?? []}
        rowClassName={(r) => (r.deadline?.overdue ? 'row-overdue' : '')}
        pagination={{ current: list.page, pageSize: list.pageSize, total: data?.total, showSizeChanger: true }}
        onChange={list.onTableChange}
      />
      {openId && <ApplicationDrawer id={openId} onClose={() => setOpenId(null)} />}
      {creating && <NewApplication onClose={() => setCreating(false)} onCreated={(id) => (setCreating(false), setOpenId(id))} />}
    </ListCard>
  );
}

function ApplicationDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['loans', 'application', id], queryFn: ({ signal }) => loansApi.application(id, signal) });
  const [form] = Form.useForm<{ decision: 'approve' | 'return' | 'reject'; opinion?: string }>();
  const [disbursing, setDisbursing] = useState(false);
  const done = async () => {
    await qc.invalidateQueries({ queryKey: ['loans'] });
  };
  const decide = useMutation({
    mutationFn: (v: { decision: string; opinion?: string }) => loansApi.decide(id, STAGE_PATH[q.data!.stage!], { version: q.data!.version, ...v }),
    onSuccess: async () => {
      feedback.message.success('已提交');
      form.resetFields();
      await done();
    },
    // 409 E3114: someone decided first — show it and reload what they decided.
    onError: async () => {
      await qc.invalidateQueries({ queryKey: ['loans', 'application', id] });
    },
  });
  const resubmit = useMutation({
    mutationFn: (note: string) => loansApi.resubmit(id, { version: q.data!.version, note }),
    onSuccess: async () => {
      feedback.message.success('已重新提交');
      await done();
    },
  });
  const quota = useMutation({
    mutationFn: (v: { documentNo: string; reason: string }) => loansApi.quotaDecision(id, v),
    onSuccess: async () => {
      feedback.message.success('已记录超指标决定');
      await done();
    },
  });
  const a = q.data;
  const stagePerm: Record<string, string> = { village: 'loan:review:village', station: 'loan:review:station', coop: 'loan:review:coop', county_office: 'loan:review:county', credit_union: 'loan:review:county' };
  const canDecide = a?.status === 'submitted' && a.stage && can(stagePerm[a.stage] as never);
  return (
    <Drawer open width={820} onClose={onClose} title={a ? `${a.appNo} ${a.borrowerName}` : '贷款申请'} loading={q.isLoading}>
      {a && (
        <Space direction="vertical" style={{ width: '100%' }} size={16}>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label="状态">
              <StatusTag status={a.lifecycleStatus} label={a.status === 'submitted' ? `${a.lifecycleLabel}：${a.stageLabel}` : a.lifecycleLabel} /> <DeadlineTag deadline={a.deadline} />
            </Descriptions.Item>
            <Descriptions.Item label="方案">
              {a.scheme.name}（第 {a.scheme.version} 版）
            </Descriptions.Item>
            <Descriptions.Item label="项目">{a.projectName}</Descriptions.Item>
            <Descriptions.Item label="产业">
              {a.industryLabel} {a.production ? <Tag color="green">生产性</Tag> : <Tag>非生产性（不贴息）</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label="金额">{formatYuanText(a.amountFen)}</Descriptions.Item>
            <Descriptions.Item label="期限">{a.termMonths} 个月</Descriptions.Item>
            <Descriptions.Item label="用途" span={2}>
              {a.purpose}
            </Descriptions.Item>
            <Descriptions.Item label="预期效益" span={2}>
              {a.expectedBenefit ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label="贷款证">{a.certificate ? `${a.certificate.certNo}（有效至 ${a.certificate.validTo}）` : '—'}</Descriptions.Item>
            <Descriptions.Item label="附件">{a.attachments.length ? <EvidenceNames items={a.attachments} /> : '—'}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title="附件">
            <AttachmentList ownerKind="loan_application" ownerId={a.id} />
          </Card>

          {(a.eligibility.failures.length > 0 || a.eligibility.notes.length > 0) && (
            <Alert
              type={a.eligibility.failures.length ? 'error' : 'info'}
              showIcon
              message="条件审查"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {[...a.eligibility.failures, ...a.eligibility.notes].map((c) => (
                    <li key={c.rule}>
                      {c.message}（{c.article}）
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          {a.quota && (
            <Alert
              type={a.quota.over ? (a.quota.decision ? 'info' : 'warning') : 'success'}
              showIcon
              message={`乡镇计划指标：${formatYuanText(a.quota.quotaFen)}／${a.quota.quotaCount} 笔，已用 ${formatYuanText(a.quota.usedFen)}／${a.quota.usedCount} 笔，剩余 ${formatYuanText(a.quota.remainingFen)}`}
              description={
                a.quota.decision
                  ? `超指标决定：${a.quota.decision.documentNo}，${a.quota.decision.reason}`
                  : (a.quota.message ?? undefined)
              }
              action={
                a.quota.over && !a.quota.decision && can('loan:scheme:edit') ? (
                  <QuotaDecisionButton onSubmit={(v) => quota.mutateAsync(v)} />
                ) : undefined
              }
            />
          )}

          {canDecide && (
            <Card size="small" title={`${a.stageLabel}意见`}>
              <Form form={form} layout="vertical" onFinish={(v) => decide.mutate(v)} initialValues={{ decision: 'approve' }}>
                <Form.Item name="decision" label="结论">
                  <Radio.Group
                    options={[
                      { value: 'approve', label: '同意' },
                      { value: 'return', label: '退回补充材料' },
                      { value: 'reject', label: '不同意' },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="opinion" label="意见（退回或不同意须填写理由）">
                  <Input.TextArea rows={3} maxLength={1000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={decide.isPending}>
                  提交
                </Button>
              </Form>
            </Card>
          )}
          {a.status === 'returned' && can(a.kind === 'household' ? 'loan:apply' : 'loan:review:county') && <ResubmitCard onSubmit={(note) => resubmit.mutateAsync(note)} />}
          {a.status === 'approved' && !a.loanId && can(['loan:disburse', 'loan:review:county']) && (
            <Button type="primary" onClick={() => setDisbursing(true)}>
              签订合同并放款
            </Button>
          )}

          <Card size="small" title="审查记录">
            <Timeline
              items={a.events.map((e) => ({
                color: e.action === 'reject' || e.action === 'escalate' ? 'red' : e.action === 'return' || e.action === 'remind' ? 'orange' : 'blue',
                children: (
                  <div>
                    <Typography.Text strong>
                      {e.onDate} {e.stageLabel ?? ''} {e.actionLabel}
                    </Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {e.actorOrg ?? ''} {e.actorName ?? ''}
                    </Typography.Text>
                    {e.opinion && <div>{e.opinion}</div>}
                    {e.reasons.length > 0 && <div>理由：{e.reasons.join('；')}</div>}
                    {e.dueOn && e.action !== 'remind' && e.action !== 'escalate' && e.toStage && <div>下一环节期限：{e.dueOn}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
          {disbursing && <DisburseModal app={a} onClose={() => setDisbursing(false)} onDone={done} />}
        </Space>
      )}
    </Drawer>
  );
}

function QuotaDecisionButton({ onSubmit }: { onSubmit: (v: { documentNo: string; reason: string }) => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        记录超指标决定
      </Button>
      <Modal
        open={open}
        title="县扶贫开发领导组超指标决定"
        onCancel={() => setOpen(false)}
        onOk={() => form.validateFields().then((v) => onSubmit(v).then(() => setOpen(false)))}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="documentNo" label="决定文号" rules={[{ required: true, message: '请填写决定文号' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="reason" label="决定理由" rules={[{ required: true, message: '请填写理由' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ResubmitCard({ onSubmit }: { onSubmit: (note: string) => Promise<unknown> }) {
  const [note, setNote] = useState('');
  return (
    <Card size="small" title="补充材料后重新提交（回到退回它的环节）">
      <Space.Compact style={{ width: '100%' }}>
        <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder="补充说明" />
        <Button type="primary" disabled={!note.trim()} onClick={() => void onSubmit(note).catch(() => undefined)}>
          重新提交
        </Button>
      </Space.Compact>
    </Card>
  );
}

function DisburseModal({ app, onClose, onDone }: { app: ApplicationDetail; onClose: () => void; onDone: () => Promise<void> }) {
  const [form] = Form.useForm();
  const today = todayInChina();
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) => loansApi.disburse(app.id, v),
    meta: { form, fieldLabels: { contractNo: '合同编号', coopRateBp: '贷款年利率', instalmentCount: '期数' } },
    onSuccess: async (l) => {
      feedback.message.success(`已放款，贷款编号 ${l.loanNo}`);
      await onDone();
      onClose();
    },
  });
  return (
    <Modal
      open
      title="签订合同并放款"
      onCancel={onClose}
      confirmLoading={m.isPending}
      onOk={() =>
        form.validateFields().then((v) =>
          m.mutate({
            version: app.version,
            contractNo: v.contractNo,
            contractDate: v.contractDate.format('YYYY-MM-DD'),
            disbursedOn: v.disbursedOn.format('YYYY-MM-DD'),
            coopRateBp: Math.round(Number(v.ratePercent) * 100),
            principalFen: yuanToFen(String(v.amountYuan)),
            schedule: v.schedule,
            instalmentCount: v.schedule === 'instalments' ? v.instalmentCount : undefined,
          }),
        )
      }
    >
      <Form form={form} layout="vertical" initialValues={{ contractDate: dayjs(today), disbursedOn: dayjs(today), amountYuan: app.amountFen / 100, schedule: 'bullet', instalmentCount: 4 }}>
        <Form.Item name="contractNo" label="合同编号" rules={[{ required: true, message: '请填写合同编号' }]}>
          <Input />
        </Form.Item>
        <Space>
          <Form.Item name="contractDate" label="合同日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="disbursedOn" label="放款日期" rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Space>
          <Form.Item name="amountYuan" label={`放款金额（元，不超过批准的 ${formatYuanText(app.amountFen)}）`} rules={[{ required: true }]}>
            <InputNumber min={0.01} max={app.amountFen / 100} precision={2} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="ratePercent" label="信用社贷款年利率（%）" rules={[{ required: true, message: '请填写利率' }]}>
            <InputNumber min={0} max={100} precision={2} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Form.Item name="schedule" label="还款方式">
          <Radio.Group
            options={[
              { value: 'bullet', label: '到期一次还本' },
              { value: 'instalments', label: '分期还款' },
            ]}
          />
        </Form.Item>
        <Form.Item noStyle shouldUpdate>
          {() =>
            form.getFieldValue('schedule') === 'instalments' && (
              <Form.Item name="instalmentCount" label={`期数（${app.termMonths} 个月须能平均分）`}>
                <InputNumber min={2} max={12} />
              </Form.Item>
            )
          }
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NewApplication({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const [form] = Form.useForm();
  const industries = useDict('loan_industry');
  const [check, setCheck] = useState<Awaited<ReturnType<typeof loansApi.eligibility>> | null>(null);
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) => loansApi.createApplication(v),
    meta: { form, fieldLabels: { projectName: '项目名称', purpose: '贷款用途', termMonths: '贷款期限', industry: '产业' } },
    onSuccess: (a) => {
      feedback.message.success(`已受理，申请编号 ${a.appNo}`);
      onCreated(a.id);
    },
  });
  const body = (v: Record<string, unknown>) => ({
    householdId: v.householdId,
    projectName: v.projectName,
    industry: v.industry,
    production: v.production ?? true,
    amountFen: v.amountYuan ? yuanToFen(String(v.amountYuan)) : undefined,
    termMonths: v.termMonths,
    purpose: v.purpose,
    expectedBenefit: v.expectedBenefit || undefined,
    attachments: v.attachments ? String(v.attachments).split(/[，,\n]/).map((n) => n.trim()).filter(Boolean).map((name) => ({ name })) : undefined,
  });
  const preview = async () => {
    const v = form.getFieldsValue();
    const b = body(v);
    if (!b.householdId || !b.amountFen || !b.termMonths || !b.industry) {
      feedback.message.info('请先选择农户，填写金额、期限和产业');
      return;
    }
    setCheck(await loansApi.eligibility({ householdId: b.householdId as number, amountFen: b.amountFen, termMonths: b.termMonths as number, production: String(b.production), industry: b.industry as string }));
  };
  return (
    <Modal open width={720} title="受理农户项目贷款申请" onCancel={onClose} confirmLoading={m.isPending} okText="提交申请" onOk={() => form.validateFields().then((v) => m.mutate(body(v)))}>
      <Form form={form} layout="vertical" initialValues={{ production: true, termMonths: 12 }}>
        <Form.Item name="householdId" label="农户（须持有效贷款证）" rules={[{ required: true, message: '请选择农户' }]}>
          <HouseholdSelect />
        </Form.Item>
        <Form.Item name="projectName" label="项目名称" rules={rules.projectName}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item name="industry" label="产业" rules={[{ required: true, message: '请选择产业' }]}>
            <Select style={{ width: 200 }} options={industries.options} />
          </Form.Item>
          <Form.Item name="production" label="生产性贷款" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="amountYuan" label="申请金额（元）" rules={[{ required: true, message: '请填写金额' }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="termMonths" label="期限（月）" rules={rules.termMonths}>
            <InputNumber min={1} max={120} />
          </Form.Item>
        </Space>
        <Form.Item name="purpose" label="贷款用途" rules={rules.purpose}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="expectedBenefit" label="预期效益">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="attachments" label="附件（名称，逗号分隔）">
          <Input placeholder="项目申请书.pdf，场地证明.jpg" />
        </Form.Item>
      </Form>
      <Button onClick={() => void preview().catch(() => undefined)}>条件预审</Button>
      {check && (
        <Alert
          style={{ marginTop: 12 }}
          type={check.eligible ? 'success' : 'error'}
          showIcon
          message={check.eligible ? '符合贷款条件' : '不符合贷款条件'}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {[...check.failures, ...check.notes].map((c) => (
                <li key={c.rule}>
                  {c.message}（{c.article}）
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}
