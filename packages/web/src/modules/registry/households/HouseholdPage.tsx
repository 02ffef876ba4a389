import { EditOutlined, PlayCircleOutlined, SwapOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Empty, Form, Input, List, Modal, Result, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { workflowFieldLabels } from '@fupin/server/src/registry/workflow/schemas';
import { isApiError } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { formatDateTime, formatYuan } from '../../../lib/format';
import { EVENT_OPTIONS, householdPageQuery, KIND_OPTIONS, registryApi, type ExitVerdict, type HouseholdDetail, type Member } from '../api';
import { Masked, SectionView, StatusTag, yesNo } from '../components';
import { EventModal } from './EventModal';
import { HouseholdLoans } from './HouseholdLoans';
import { HouseholdDrawer } from './HouseholdForm';
import { MemberModal } from './MemberModal';

/** How a member left (left_reason, the event kind) — said beside 已迁出. */
const LEFT_HOW: Record<string, string> = { ...Object.fromEntries(EVENT_OPTIONS.map((e) => [e.value, e.label])), remove: '删除错误登记', death: '' };

const ALLOWED: Record<string, string[]> = {
  identification: ['candidate'],
  exit: ['identified', 'returned'],
  monitoring: ['candidate', 'exited'],
  return: ['exited', 'monitored'],
  cancellation: ['candidate', 'identified', 'exited', 'returned', 'monitored'],
};

export function ExitCheck({ v }: { v: ExitVerdict }) {
  return (
    <div>
      <Alert type={v.eligible ? 'success' : 'warning'} showIcon title={v.eligible ? '符合脱贫退出标准' : '不符合脱贫退出标准'} style={{ marginBottom: 12 }} />
      <List
        size="small"
        dataSource={v.criteria}
        renderItem={(c) => (
          <List.Item>
            <Space>
              <Tag color={c.ok ? 'green' : 'red'}>{c.ok ? '达到' : '未达到'}</Tag>
              {c.message}
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

function StartWorkflowModal({ household, exit, onClose }: { household: HouseholdDetail; exit: ExitVerdict; onClose: () => void }) {
  const [form] = Form.useForm();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const kind = Form.useWatch('kind', form) as string | undefined;
  const start = useMutation({
    mutationFn: (b: Record<string, unknown>) => registryApi.startWorkflow(b),
    meta: { form, fieldLabels: workflowFieldLabels as never },
    onSuccess: async (w) => {
      feedback.message.success(`已启动${w.kindLabel}`);
      await qc.invalidateQueries({ queryKey: ['registry'] });
      onClose();
      void navigate(`/registry/workflows?open=${w.id}`);
    },
  });
  const kinds = KIND_OPTIONS.filter((k) => ALLOWED[k.value].includes(household.status));
  return (
    <Modal open title={`启动流程：${household.headName}户`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={start.isPending} okText="启动" width={680} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="start-workflow"
        initialValues={{ origin: 'application', date: dayjs(), kind: kinds[0]?.value }}
        onFinish={(v) =>
          start.mutate({
            householdId: household.id,
            kind: v.kind,
            origin: v.origin,
            date: (v.date as dayjs.Dayjs).format('YYYY-MM-DD'),
            ...(v.reason ? { reason: v.reason } : {}),
            ...(v.cancelReason ? { cancelReason: v.cancelReason } : {}),
            ...(v.opinion ? { opinion: v.opinion } : {}),
            ...(v.kind === 'exit' ? { householdAgreed: !!v.householdAgreed } : {}),
            evidence: v.evidence ? String(v.evidence).split(/[\n、,，]/).map((s) => s.trim()).filter(Boolean).map((name) => ({ name })) : [],
          })
        }
      >
        <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
          <Select options={kinds as never} />
        </Form.Item>
        {kind === 'exit' && <ExitCheck v={exit} />}
        <Form.Item name="origin" label="来源">
          <Select options={[{ value: 'application', label: '农户申请' }, { value: 'cadre_check', label: '干部排查' }, { value: 'department_data', label: '部门预警' }]} />
        </Form.Item>
        <Form.Item name="date" label="日期" rules={[{ required: true }]}>
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        {kind === 'cancellation' && (
          <Form.Item name="cancelReason" label="注销原因" rules={[{ required: true, message: '请选择注销原因' }]}>
            <Select options={[{ value: 'misidentified', label: '识别不精准' }, { value: 'all_deceased', label: '整户死亡' }, { value: 'moved_away', label: '整户迁出' }, { value: 'merged', label: '并户' }, { value: 'other', label: '其他' }]} />
          </Form.Item>
        )}
        <Form.Item name="reason" label="原因/情况说明" rules={[{ required: kind === 'return' || kind === 'cancellation', message: '请写明原因' }]}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item name="evidence" label="佐证材料（每行一份，如“入户核查表”）">
          <Input.TextArea rows={2} />
        </Form.Item>
        {kind === 'exit' && (
          <Form.Item name="householdAgreed" valuePropName="checked" rules={[{ validator: (_r, v) => (v ? Promise.resolve() : Promise.reject(new Error('脱贫退出须经农户认可'))) }]}>
            <Checkbox>农户已认可退出</Checkbox>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 一户一档: everything known about one household on one screen. */
export default function HouseholdPage() {
  const id = Number(useParams().id);
  const can = useCan();
  const q = useQuery({ ...householdPageQuery(id), enabled: Number.isInteger(id) && id > 0, meta: { silent: true } });
  const [editing, setEditing] = useState(false);
  const [event, setEvent] = useState(false);
  const [starting, setStarting] = useState(false);
  const [editMember, setEditMember] = useState<Member | null>(null);
  if (q.isError) {
    const notFound = isApiError(q.error) && q.error.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? '农户不存在或不在您的管辖范围内' : q.error.message} extra={<Link to="/registry/households">返回农户档案</Link>} />;
  }
  if (!q.data) return <Card loading />;
  const { household: h, statusHistory, events, workflows, qualityIssues, exitCheck, sections } = q.data;
  const open = workflows.find((w) => !['done', 'rejected', 'withdrawn'].includes(w.state));
  const active = h.members.filter((m) => m.status === 'active');
  const past = h.members.filter((m) => m.status !== 'active');

  const memberColumns = [
    { title: '姓名', dataIndex: 'name' },
    { title: '与户主关系', dataIndex: 'relationLabel' },
    { title: '性别', dataIndex: 'sexLabel', width: 60 },
    { title: '身份证号', key: 'id', width: 190, render: (_: unknown, m: Member) => <Masked masked={m.idNumberMasked} reveal={async () => (await registryApi.revealPerson(m.id)).idNumber} /> },
    { title: '出生日期', dataIndex: 'birthDate', width: 105 },
    { title: '年龄', dataIndex: 'age', width: 60 },
    { title: '民族', dataIndex: 'ethnicityLabel', width: 70 },
    { title: '文化程度', dataIndex: 'educationLabel' },
    { title: '在校生状况', dataIndex: 'schoolingLabel' },
    { title: '健康状况', key: 'health', render: (_: unknown, m: Member) => `${m.healthLabel ?? ''}${m.disabilityGrade ? `（${m.disabilityGrade}级）` : ''}` },
    { title: '劳动技能', dataIndex: 'labourLabel' },
    { title: '务工', key: 'work', render: (_: unknown, m: Member) => `${m.workStatusLabel ?? ''}${m.workMonths ? ` ${m.workMonths}个月` : ''}` },
    { title: '医保/养老', key: 'ins', render: (_: unknown, m: Member) => <>{yesNo(m.medicalInsurance)} / {yesNo(m.pensionInsurance)}</> },
    { title: '电话', key: 'phone', render: (_: unknown, m: Member) => <Masked masked={m.phoneMasked} reveal={async () => (await registryApi.revealPerson(m.id)).phone} /> },
    ...(can('registry:household:edit') && h.status !== 'cancelled'
      ? [
          {
            title: '操作',
            key: 'op',
            width: 70,
            fixed: 'right' as const,
            render: (_: unknown, m: Member) => (
              <Button type="link" size="small" onClick={() => setEditMember(m)} aria-label={`修改成员 ${m.name}`}>
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {h.headName ?? '（无户主）'}户
            </Typography.Title>
            <StatusTag status={h.status} label={h.statusLabel} />
            <Typography.Text type="secondary" className="mono">
              {h.householdNo}
            </Typography.Text>
          </Space>
        }
        extra={
          <Space wrap>
            {can('registry:household:edit') && h.status !== 'cancelled' && (
              <>
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                  修改户信息
                </Button>
                <Button icon={<SwapOutlined />} onClick={() => setEvent(true)}>
                  动态调整
                </Button>
              </>
            )}
            {can('registry:workflow:village') && !open && h.status !== 'cancelled' && (
              <Button type="primary" icon={<PlayCircleOutlined />} onClick={() => setStarting(true)}>
                启动流程
              </Button>
            )}
            {open && (
              <Link to={`/registry/workflows?open=${open.id}`}>
                <Tag color="processing">
                  {open.kindLabel}：{open.stateLabel}
                </Tag>
              </Link>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} bordered>
          <Descriptions.Item label="所在地">{[h.townshipName, h.villageName, h.groupName].filter(Boolean).join(' / ')}</Descriptions.Item>
          <Descriptions.Item label="家庭住址">{h.address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="联系电话">
            <Masked masked={h.phoneMasked} reveal={async () => (await registryApi.revealHousehold(h.id)).phone} />
          </Descriptions.Item>
          <Descriptions.Item label="银行账号">
            {h.bankName ?? ''} <Masked masked={h.bankAccountMasked} reveal={async () => (await registryApi.revealHousehold(h.id)).bankAccount} />
          </Descriptions.Item>
          <Descriptions.Item label="贫困户属性">{h.categoryLabel}</Descriptions.Item>
          <Descriptions.Item label="识别标准/年度">{[h.identificationStandardLabel, h.identificationYear].filter(Boolean).join(' / ') || '—'}</Descriptions.Item>
          <Descriptions.Item label="致贫原因">{[h.mainCauseLabel, ...h.secondaryCauseLabels].filter(Boolean).join('、') || '—'}</Descriptions.Item>
          <Descriptions.Item label="状态日期">{h.statusSince ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="住房安全">{h.housingSafetyLabel ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="饮水安全">{yesNo(h.waterSafe)}</Descriptions.Item>
          <Descriptions.Item label="不愁吃穿 / 义务教育 / 基本医疗">
            {yesNo(h.foodClothingSecured)} / {yesNo(h.educationSecured)} / {yesNo(h.medicalSecured)}
          </Descriptions.Item>
          <Descriptions.Item label="通生活用电">{yesNo(h.electricity)}</Descriptions.Item>
          <Descriptions.Item label={`收入（${h.incomeYear ?? '未填年度'}，元）`} span={2}>
            工资性 {formatYuan(h.incomeWagesFen)}，经营性 {formatYuan(h.incomeBusinessFen)}，转移性 {formatYuan(h.incomeTransferFen)}，财产性 {formatYuan(h.incomePropertyFen)}
          </Descriptions.Item>
          <Descriptions.Item label="家庭人口">{h.memberCount} 人</Descriptions.Item>
          <Descriptions.Item label="人均纯收入">
            <Typography.Text strong>{formatYuan(h.netIncomePerCapitaFen)} 元</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'members',
              label: `家庭成员（${active.length}）`,
              children: (
                <>
                  <Table<Member> rowKey="id" size="small" pagination={false} columns={memberColumns} dataSource={active} scroll={{ x: 1400 }} />
                  {past.length > 0 && (
                    <>
                      <Typography.Title level={5} style={{ marginTop: 16 }}>
                        已离开本户的成员
                      </Typography.Title>
                      <Table<Member>
                        rowKey="id"
                        size="small"
                        pagination={false}
                        dataSource={past}
                        columns={[
                          { title: '姓名', dataIndex: 'name' },
                          { title: '身份证号', dataIndex: 'idNumberMasked', render: (v) => <span className="mono">{v}</span> },
                          // 婚出, 分户, 并户 and 户间迁移 all end as 已迁出: say which, or two rows of one person look alike
                          { title: '状态', key: 'status', render: (_, m) => (LEFT_HOW[m.leftReason ?? ''] ? `${m.statusLabel}（${LEFT_HOW[m.leftReason!]}）` : m.statusLabel) },
                          { title: '日期', dataIndex: 'leftDate' },
                          { title: '说明', dataIndex: 'leftNote' },
                        ]}
                      />
                    </>
                  )}
                </>
              ),
            },
            {
              key: 'history',
              label: '状态变更',
              children: (
                <Timeline
                  items={statusHistory.map((s) => ({
                    content: (
                      <div>
                        <b>{s.date}</b> {s.fromStatusLabel ? `${s.fromStatusLabel} → ` : ''}
                        {s.toStatusLabel}
                        <div className="muted">
                          {s.reason} {s.actorName && `（${s.actorName}）`}
                        </div>
                      </div>
                    ),
                  }))}
                />
              ),
            },
            {
              key: 'events',
              label: `动态调整（${events.length}）`,
              children: events.length ? (
                <Table
                  rowKey="id"
                  size="small"
                  pagination={{ pageSize: 20 }}
                  dataSource={events}
                  columns={[
                    { title: '日期', dataIndex: 'date', width: 110 },
                    { title: '类型', dataIndex: 'kindLabel', width: 110 },
                    { title: '内容', dataIndex: 'summary' },
                    { title: '经办人', dataIndex: 'actorName', width: 120 },
                    { title: '记录时间', dataIndex: 'at', width: 170, render: (v) => formatDateTime(v) },
                  ]}
                />
              ) : (
                <Empty />
              ),
            },
            {
              key: 'workflows',
              label: `识别与退出（${workflows.length}）`,
              children: (
                <Table
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={workflows}
                  columns={[
                    { title: '类型', dataIndex: 'kindLabel', render: (v, w) => <Link to={`/registry/workflows?open=${w.id}`}>{v}</Link> },
                    { title: '环节', dataIndex: 'stateLabel' },
                    { title: '启动日期', dataIndex: 'startedOn' },
                    { title: '期限', dataIndex: 'dueDate', render: (v, w) => (v ? <span className={w.overdue ? 'text-danger' : ''}>{v}</span> : '—') },
                    { title: '原因', dataIndex: 'reason' },
                  ]}
                />
              ),
            },
            {
              key: 'quality',
              label: `数据质量（${qualityIssues.length}）`,
              children: qualityIssues.length ? (
                <List
                  size="small"
                  dataSource={qualityIssues}
                  renderItem={(i) => (
                    <List.Item>
                      <Space>
                        <Tag color={i.severity === 'error' ? 'red' : 'orange'}>{i.ruleLabel}</Tag>
                        {i.message}
                      </Space>
                    </List.Item>
                  )}
                />
              ) : (
                <Result status="success" title="未发现数据质量问题" />
              ),
            },
            { key: 'exit', label: '退出核验', children: <ExitCheck v={exitCheck} /> },
            ...(can('loan:view') && !('loans' in sections) ? [{ key: 'loans', label: '到户贷款', children: <HouseholdLoans householdId={h.id} /> }] : []),
            ...Object.entries(sections).map(([k, s]) => ({ key: `section-${k}`, label: s.title, children: s.error ? <Alert type="error" title={s.error} /> : <SectionView name={k} data={s.data} /> })),
          ]}
        />
      </Card>
      {editing && <HouseholdDrawer household={h} onClose={() => setEditing(false)} />}
      {editMember && <MemberModal member={editMember} onClose={() => setEditMember(null)} />}
      {event && <EventModal household={h} onClose={() => setEvent(false)} />}
      {starting && <StartWorkflowModal household={h} exit={exitCheck} onClose={() => setStarting(false)} />}
    </Space>
  );
}
