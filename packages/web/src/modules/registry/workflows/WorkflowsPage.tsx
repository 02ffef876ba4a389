import { PrinterOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tabs, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { workflowFieldLabels } from '@fupin/server/src/registry/workflow/schemas';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { AttachmentList, EvidenceNames, type PickedAttachment } from '../../../components/AttachmentList';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatDateTime } from '../../../lib/format';
import { useListParams } from '../../../lib/useListParams';
import { KIND_OPTIONS, registryApi, type Workflow, type WorkflowDetail } from '../api';
import { ExitCheck } from '../households/HouseholdPage';

const OPEN = 'appraisal,notice,township_review,county_approval,announcement';
const today = () => dayjs().format('YYYY-MM-DD');
const d = (v: dayjs.Dayjs | undefined) => (v ? v.format('YYYY-MM-DD') : today());
const evidenceOf = (s: unknown) =>
  s
    ? String(s)
        .split(/[\n、,，]/)
        .map((x) => x.trim())
        .filter(Boolean)
        .map((name) => ({ name }))
    : [];

function Due({ w }: { w: Workflow }) {
  // 纳入监测: the step's date is already capped by the overall one; say which limit it is
  const overall = w.overallDueDate ? (
    <div className={w.overallOverdue ? 'text-danger' : 'muted'}>
      监测总期限 {w.overallDueDate}
      {w.overallOverdue ? '（已超期）' : ''}
    </div>
  ) : null;
  if (!w.dueDate) return overall ?? <span className="muted">—</span>;
  if (w.overdue)
    return (
      <>
        <Tag color="red">已超期（{w.dueDate}）</Tag>
        {overall}
      </>
    );
  return (
    <span>
      {w.dueDate}
      {w.workingDaysLeft != null && <span className="muted">（剩 {w.workingDaysLeft} 个工作日）</span>}
      {overall}
    </span>
  );
}

/** What a step recorded beyond its opinion: the vote, the notice period, the announcement's number. */
function stepFacts(step: string, data: Record<string, unknown>): string | null {
  const n = (v: unknown) => (v == null ? null : String(v));
  if (step === 'appraise' && data.participants != null)
    return [`参会 ${n(data.participants)} 人`, data.votesFor != null && `同意 ${n(data.votesFor)}`, data.votesAgainst != null && `反对 ${n(data.votesAgainst)}`].filter(Boolean).join('，');
  if (step === 'notice' && data.end) return `公示至 ${n(data.end)}（${n(data.days)} 天）`;
  if (step === 'announce' && data.documentNo) return `公告文号：${n(data.documentNo)}`;
  if (step === 'objection' && data.raisedBy) return `异议人：${n(data.raisedBy)}`;
  return null;
}

type Ask = { title: string; label: string; ok: string; onOk: (text: string) => void };

/**
 * Asks for the written reason of a withdrawal or the finding on an objection, in the page's own
 * dialog: the browser's prompt() showed the server address as its title and a one-line box.
 */
function ReasonModal({ ask, onClose }: { ask: Ask; onClose: () => void }) {
  const [form] = Form.useForm<{ text: string }>();
  return (
    <Modal open title={ask.title} okText={ask.ok} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="reason"
        onFinish={(v) => {
          ask.onOk(v.text.trim());
          onClose();
        }}
      >
        <Form.Item name="text" label={ask.label} rules={[{ required: true, whitespace: true, message: `请填写${ask.label}` }]}>
          <Input.TextArea rows={3} maxLength={1000} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type StepForm = { title: string; step: string; permission: string; decisions?: { value: string; label: string }[]; fields?: 'appraise' | 'notice' | 'announce' };

/** The action the current state allows, if the user's level may take it. */
function nextStep(w: WorkflowDetail): StepForm | null {
  const notice = ['identification', 'exit', 'monitoring'].includes(w.kind);
  const decisions = [
    { value: 'pass', label: '通过' },
    ...(notice || w.state === 'county_approval' ? [{ value: 'return', label: '退回' }] : []),
    { value: 'reject', label: '不通过' },
  ];
  switch (w.state) {
    case 'appraisal':
      return { title: '村级民主评议', step: 'appraise', permission: 'registry:workflow:village', decisions: [decisions[0], decisions[decisions.length - 1]], fields: 'appraise' };
    case 'notice':
      if (!w.noticeStart) return { title: '张贴村级公示', step: 'notice', permission: 'registry:workflow:village', fields: 'notice' };
      return { title: '乡镇审核', step: 'township-review', permission: 'registry:workflow:township', decisions };
    case 'township_review':
      return { title: '乡镇审核', step: 'township-review', permission: 'registry:workflow:township', decisions };
    case 'county_approval':
      return { title: '县级审批', step: 'county-approval', permission: 'registry:workflow:county', decisions };
    case 'announcement':
      return { title: '发布公告', step: 'announce', permission: 'registry:workflow:county', fields: 'announce' };
    default:
      return null;
  }
}

function WorkflowDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const can = useCan();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [objForm] = Form.useForm();
  const q = useQuery({ queryKey: ['registry', 'workflow', id], queryFn: ({ signal }) => registryApi.workflow(id, signal) });
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['registry'] });
  };
  const act = useMutation({
    mutationFn: ({ step, body }: { step: string; body: Record<string, unknown> }) => registryApi.step(id, step, body),
    meta: { form, fieldLabels: workflowFieldLabels as never },
    onSuccess: async (w) => {
      feedback.message.success(`已保存，当前环节：${w.stateLabel}`);
      form.resetFields();
      await refresh();
    },
  });
  const objection = useMutation({
    mutationFn: (body: Record<string, unknown>) => registryApi.step(id, 'objections', body),
    meta: { form: objForm },
    onSuccess: async () => {
      feedback.message.success('已登记异议');
      objForm.resetFields();
      await refresh();
    },
  });
  const resolve = useMutation({
    mutationFn: ({ oid, body }: { oid: number; body: Record<string, unknown> }) => registryApi.resolveObjection(oid, body),
    onSuccess: async () => {
      feedback.message.success('已处理');
      await refresh();
    },
  });
  const [ask, setAsk] = useState<Ask | null>(null);
  const w = q.data;
  const step = w ? nextStep(w) : null;
  const noticeOver = w?.noticeEnd ? w.noticeEnd < today() : false;

  return (
    <Drawer open width={820} title={w ? `${w.kindLabel}：${w.headName ?? ''}户（${w.householdNo}）` : '流程'} onClose={onClose} loading={!w}>
      {w && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label="农户">
              <Link to={`/registry/households/${w.householdId}`}>{w.headName}户</Link>（{w.townshipName}
              {w.villageName}）
            </Descriptions.Item>
            <Descriptions.Item label="当前环节">
              <Tag color="processing">{w.stateLabel}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="启动">{`${w.startedOn} ${w.startedByName ?? ''}`}</Descriptions.Item>
            <Descriptions.Item label="期限">
              <Due w={w} />
            </Descriptions.Item>
            {w.noticeStart && (
              <Descriptions.Item label="公示期" span={2}>
                {w.noticeStart} 至 {w.noticeEnd}（{w.noticeDays} 天）
                {w.villageCode && (
                  <Link to={`/registry/notices/print?villageCode=${w.villageCode}&kind=${w.kind}&startDate=${w.noticeStart}`} target="_blank" style={{ marginLeft: 12 }}>
                    <PrinterOutlined /> 打印公示
                  </Link>
                )}
              </Descriptions.Item>
            )}
            {w.reason && (
              <Descriptions.Item label="原因" span={2}>
                {w.reason}
              </Descriptions.Item>
            )}
          </Descriptions>
          {w.exitCheck && <ExitCheck v={w.exitCheck} />}
          <Card size="small" title="办理记录">
            <Timeline
              items={w.steps.map((s) => ({
                color: s.decision === 'reject' || s.decision === 'upheld' ? 'red' : s.decision === 'return' ? 'orange' : 'blue',
                content: (
                  <div>
                    <b>{s.stepLabel}</b> {s.decision && <Tag>{{ pass: '通过', reject: '不通过', return: '退回', upheld: '异议成立', dismissed: '异议不成立' }[s.decision] ?? s.decision}</Tag>}
                    <span className="muted">
                      {s.date} · {s.actorName} · {formatDateTime(s.at)}
                    </span>
                    {stepFacts(s.step, s.data) && <div>{stepFacts(s.step, s.data)}</div>}
                    {s.opinion && <div>{s.opinion}</div>}
                    {s.evidence.length > 0 && (
                      <div className="muted">
                        佐证材料：<EvidenceNames items={s.evidence} />
                      </div>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
          {(w.objections.length > 0 || (w.state === 'notice' && w.noticeStart)) && (
            <Card size="small" title={`公示异议（未处理 ${w.openObjections}）`}>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={w.objections}
                columns={[
                  { title: '日期', dataIndex: 'raisedOn', width: 100 },
                  { title: '异议人', dataIndex: 'raisedBy', width: 90, render: (v) => v ?? '匿名' },
                  { title: '内容', dataIndex: 'content' },
                  {
                    title: '处理',
                    key: 'r',
                    width: 260,
                    render: (_, o) =>
                      o.status !== 'open' ? (
                        <span>
                          <Tag color={o.status === 'upheld' ? 'red' : 'green'}>{o.status === 'upheld' ? '成立' : '不成立'}</Tag>
                          {o.resolution}
                        </span>
                      ) : can('registry:workflow:village') ? (
                        <Space>
                          {(['dismissed', 'upheld'] as const).map((dec) => (
                            <Button
                              key={dec}
                              size="small"
                              danger={dec === 'upheld'}
                              onClick={() =>
                                setAsk({
                                  title: dec === 'upheld' ? '异议成立（案件将退回重新评议）' : '异议不成立',
                                  label: '核实结果',
                                  ok: '确定',
                                  onOk: (resolution) => resolve.mutate({ oid: o.id, body: { version: o.version, decision: dec, resolution, date: today() } }),
                                })
                              }
                            >
                              {dec === 'upheld' ? '成立' : '不成立'}
                            </Button>
                          ))}
                        </Space>
                      ) : (
                        <Tag>待处理</Tag>
                      ),
                  },
                ]}
              />
              {w.state === 'notice' && w.noticeStart && can('registry:workflow:village') && (
                <Form form={objForm} layout="inline" style={{ marginTop: 12 }} name="objection" onFinish={(v) => objection.mutate({ raisedOn: d(v.raisedOn), content: v.content, ...(v.raisedBy ? { raisedBy: v.raisedBy } : {}) })}>
                  <Form.Item name="raisedOn" initialValue={dayjs()}>
                    <DatePicker />
                  </Form.Item>
                  <Form.Item name="raisedBy">
                    <Input placeholder="异议人（可匿名）" style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name="content" rules={[{ required: true, message: '请填写异议内容' }]}>
                    <Input placeholder="异议内容" style={{ width: 240 }} />
                  </Form.Item>
                  <Button htmlType="submit" loading={objection.isPending}>
                    登记异议
                  </Button>
                </Form>
              )}
            </Card>
          )}
          {!(step && can(step.permission as never)) && (
            <Card size="small" title="附件">
              <AttachmentList ownerKind="registry_workflow" ownerId={w.id} />
            </Card>
          )}
          {step && can(step.permission as never) && (
            <Card size="small" title={step.title}>
              {step.step === 'township-review' && w.state === 'notice' && !noticeOver && <Alert type="info" showIcon title={`公示期至 ${w.noticeEnd} 止，期满后才能审核`} style={{ marginBottom: 12 }} />}
              <Form
                form={form}
                layout="vertical"
                name="workflow-step"
                initialValues={{ date: dayjs(), startDate: dayjs(), decision: 'pass' }}
                onFinish={(v) => {
                  const files = ((v.attachments ?? []) as PickedAttachment[]).map((a) => ({ name: a.fileName, attachmentId: a.id }));
                  const body: Record<string, unknown> = { version: w.version, evidence: [...evidenceOf(v.evidence), ...files] };
                  if (step.fields === 'notice') {
                    body.startDate = d(v.startDate);
                    if (v.days) body.days = v.days;
                  } else body.date = d(v.date);
                  if (step.decisions) body.decision = v.decision;
                  if (v.opinion) body.opinion = v.opinion;
                  if (step.fields === 'appraise') for (const k of ['participants', 'votesFor', 'votesAgainst']) if (v[k] != null) body[k] = v[k];
                  if (step.fields === 'announce' && v.documentNo) body.documentNo = v.documentNo;
                  act.mutate({ step: step.step, body });
                }}
              >
                {step.decisions && (
                  <Form.Item name="decision" label="结论">
                    <Radio.Group options={step.decisions} optionType="button" />
                  </Form.Item>
                )}
                {step.fields === 'notice' ? (
                  <Space>
                    <Form.Item name="startDate" label="公示开始日期" rules={[{ required: true }]}>
                      <DatePicker />
                    </Form.Item>
                    <Form.Item name="days" label="公示天数（不填按参数）">
                      <InputNumber min={1} max={60} />
                    </Form.Item>
                  </Space>
                ) : (
                  <Form.Item name="date" label="日期" rules={[{ required: true }]}>
                    <DatePicker disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
                  </Form.Item>
                )}
                {step.fields === 'appraise' && (
                  <Space>
                    <Form.Item name="participants" label="参会人数">
                      <InputNumber min={1} />
                    </Form.Item>
                    <Form.Item name="votesFor" label="同意">
                      <InputNumber min={0} />
                    </Form.Item>
                    <Form.Item name="votesAgainst" label="反对">
                      <InputNumber min={0} />
                    </Form.Item>
                  </Space>
                )}
                {step.fields === 'announce' && (
                  <Form.Item name="documentNo" label="公告文号">
                    <Input maxLength={100} />
                  </Form.Item>
                )}
                <Form.Item name="opinion" label="意见">
                  <Input.TextArea rows={2} maxLength={1000} />
                </Form.Item>
                <Form.Item name="attachments" label="附件（上传的文件勾选后附到本环节）">
                  <AttachmentList ownerKind="registry_workflow" ownerId={w.id} />
                </Form.Item>
                <Form.Item name="evidence" label="其他佐证材料名称（纸质材料，每行一份）">
                  <Input.TextArea rows={2} />
                </Form.Item>
                <Space>
                  <Button type="primary" htmlType="submit" loading={act.isPending}>
                    提交
                  </Button>
                  {['appraisal', 'notice'].includes(w.state) && can('registry:workflow:village') && (
                    <Button
                      danger
                      onClick={() => setAsk({ title: '撤回流程', label: '撤回原因', ok: '撤回', onOk: (reason) => act.mutate({ step: 'withdraw', body: { version: w.version, reason } }) })}
                    >
                      撤回
                    </Button>
                  )}
                </Space>
              </Form>
            </Card>
          )}
          <Typography.Text type="secondary">流程编号 {w.id}</Typography.Text>
        </Space>
      )}
      {ask && <ReasonModal ask={ask} onClose={() => setAsk(null)} />}
    </Drawer>
  );
}

/** 识别与退出: cases by step, deadlines first, with the step's form in a drawer. */
export default function WorkflowsPage() {
  const can = useCan();
  const list = useListParams({ order: 'asc' });
  const [sp, setSp] = useSearchParams();
  const openId = Number(sp.get('open')) || null;
  const filters = { ...list.filters };
  delete filters.open;
  const state = filters.state ?? OPEN;
  const q = useQuery({
    queryKey: ['registry', 'workflows', list.query, state],
    queryFn: ({ signal }) => {
      const { open: _o, ...rest } = list.query as Record<string, unknown>;
      void _o;
      return registryApi.workflows({ ...rest, state } as never, signal);
    },
    placeholderData: keepPreviousData,
  });
  const counts = q.data?.stateCounts ?? {};
  const openCount = OPEN.split(',').reduce((s, k) => s + (counts[k] ?? 0), 0);
  const columns: TableColumnsType<Workflow> = [
    { title: '农户', dataIndex: 'headName', render: (v, w) => <a onClick={() => setSp((p) => { const n = new URLSearchParams(p); n.set('open', String(w.id)); return n; })}>{v ?? '（无户主）'}户</a> },
    { title: '村', key: 'v', render: (_, w) => `${w.townshipName ?? ''} ${w.villageName ?? ''}` },
    { title: '类型', dataIndex: 'kindLabel' },
    { title: '当前环节', dataIndex: 'stateLabel', render: (v) => <Tag color="processing">{v}</Tag> },
    { title: '期限', key: 'due', render: (_, w) => <Due w={w} /> },
    { title: '异议', dataIndex: 'openObjections', render: (v) => (v ? <Tag color="red">{v} 条未处理</Tag> : '') },
    { title: '启动日期', dataIndex: 'startedOn' },
  ];
  return (
    <ListCard
      title="识别与退出"
      total={q.data?.total}
      filters={
        <FilterBar filters={filters} onSearch={(v) => list.setFilters({ ...v, state: filters.state })} toForm={(f) => ({ ...f, overdue: f.overdue === 'true' })} fromForm={(v: Record<string, unknown>) => ({ ...v, overdue: v.overdue ? 'true' : undefined })}>
          <Form.Item label="类型" name="kind">
            <Select allowClear placeholder="全部" style={{ width: 130 }} options={KIND_OPTIONS as never} />
          </Form.Item>
          {/* 帮扶责任人 (data scope 本人) may not browse areas: the picker would only answer 403 */}
          {can('system:area:view') && (
            <Form.Item label="村" name="villageCode">
              <AreaTreeSelect style={{ width: 200 }} placeholder="全部" />
            </Form.Item>
          )}
          <Form.Item label="只看超期" name="overdue" valuePropName="checked">
            <Switch />
          </Form.Item>
        </FilterBar>
      }
    >
      <Tabs
        activeKey={state}
        onChange={(k) => list.setFilters({ ...filters, state: k })}
        items={[
          { key: OPEN, label: `办理中 ${openCount}` },
          { key: 'appraisal', label: `待评议 ${counts.appraisal ?? 0}` },
          { key: 'notice', label: `公示 ${counts.notice ?? 0}` },
          { key: 'township_review', label: `待乡镇审核 ${counts.township_review ?? 0}` },
          { key: 'county_approval', label: `待县级审批 ${counts.county_approval ?? 0}` },
          { key: 'announcement', label: `待公告 ${counts.announcement ?? 0}` },
          { key: 'done,rejected,withdrawn', label: `已办结 ${(counts.done ?? 0) + (counts.rejected ?? 0) + (counts.withdrawn ?? 0)}` },
        ]}
      />
      <Table<Workflow> rowKey="id" size="middle" columns={columns} dataSource={q.data?.items} loading={q.isFetching} pagination={list.pagination(q.data?.total)} onChange={list.onTableChange as never} />
      {openId && (
        <WorkflowDrawer
          id={openId}
          onClose={() =>
            setSp((p) => {
              const n = new URLSearchParams(p);
              n.delete('open');
              return n;
            })
          }
        />
      )}
    </ListCard>
  );
}
