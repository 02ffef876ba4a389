import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { daysInMonth, todayInChina } from '@fupin/shared/date';
import { addMemberBody, createTeamBody, submitReportBody } from '@fupin/server/src/visits/teams/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { ATTENDANCE_STATUSES, ATTENDANCE_STATUS_LABELS, type AttendanceStatus } from '@fupin/server/src/visits/rules';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { parseForm } from '../../../lib/form';
import { visitsApi, type AttendanceResponse, type ReportsResponse, type TeamItem } from '../api';
import { CadreSelect, UnitSelect } from '../components/pickers';

const ROLES = [
  { value: 'first_secretary', label: '第一书记' },
  { value: 'leader', label: '工作队队长' },
  { value: 'member', label: '工作队队员' },
];
const ATTENDANCE_OPTIONS = ATTENDANCE_STATUSES.map((v) => ({ value: v, label: ATTENDANCE_STATUS_LABELS[v] }));
const STATE_COLORS: Record<string, string> = { not_due: 'default', due: 'blue', overdue: 'red', submitted: 'green', late: 'orange' };

/** 驻村工作队: teams and terms, monthly attendance against the minimum, quarterly reports. */
export default function TeamsPage() {
  const can = useCan();
  const [sp, setSp] = useSearchParams();
  const tab = sp.get('tab') ?? 'teams';
  const areaCode = sp.get('areaCode') ?? undefined;
  const set = (k: string, v?: string) =>
    setSp((p) => {
      const n = new URLSearchParams(p);
      if (v) n.set(k, v);
      else n.delete(k);
      return n;
    });
  return (
    <Card
      size="small"
      title="驻村工作队"
      // 帮扶责任人 (data scope 本人) may not browse areas: the picker would only answer 403
      extra={can('system:area:view') && <AreaTreeSelect style={{ width: 220 }} placeholder="全部区划" value={areaCode} onChange={(v) => set('areaCode', typeof v === 'string' ? v : undefined)} />}
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => set('tab', k)}
        items={[
          { key: 'teams', label: '工作队与队员', children: <Teams areaCode={areaCode} /> },
          { key: 'attendance', label: '驻村考勤', children: <Attendance areaCode={areaCode} /> },
          { key: 'reports', label: '季度工作报告', children: <Reports areaCode={areaCode} /> },
        ]}
      />
    </Card>
  );
}

function Teams({ areaCode }: { areaCode?: string }) {
  const can = useCan();
  const editable = can('visit:pairing:edit');
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState<TeamItem | null>(null);
  const q = useQuery({ queryKey: ['visits', 'teams', areaCode], queryFn: ({ signal }) => visitsApi.teams({ areaCode, pageSize: 200 }, signal), placeholderData: keepPreviousData });
  const end = useMutation({
    mutationFn: (t: TeamItem) => api.post(`/api/visits/teams/${t.id}/end`, { endDate: todayInChina(), reason: '任期届满' }),
    onSuccess: async () => {
      feedback.message.success('任期已结束');
      await qc.invalidateQueries({ queryKey: ['visits'] });
    },
  });
  const columns: TableColumnsType<TeamItem> = [
    { title: '村', key: 'village', render: (_, t) => `${t.townshipName ?? ''} ${t.villageName}` },
    { title: '工作队', dataIndex: 'name' },
    { title: '派出单位', dataIndex: 'sentByName', render: (v) => v ?? '—' },
    { title: '任期', key: 'term', render: (_, t) => `${t.startDate} 至 ${t.endDate ?? '今'}` },
    {
      title: '队员',
      key: 'members',
      render: (_, t) => (
        <Space size={4} wrap>
          {t.members
            .filter((m) => m.endDate === null)
            .map((m) => (
              <Tag key={m.id} color={m.role === 'first_secretary' ? 'red' : m.role === 'leader' ? 'blue' : 'default'}>
                {m.roleLabel} {m.cadreName}
              </Tag>
            ))}
        </Space>
      ),
    },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            render: (_: unknown, t: TeamItem) => (
              <Space size={4}>
                <Button type="link" size="small" onClick={() => setAdding(t)}>
                  增加队员
                </Button>
                <Button type="link" size="small" danger onClick={() => Modal.confirm({ title: `结束“${t.name}”的任期？`, content: '队员随之离任。', onOk: () => end.mutateAsync(t) })}>
                  结束任期
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <>
      {editable && (
        <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setCreating(true)}>
          组建工作队
        </Button>
      )}
      <Table<TeamItem> rowKey="id" size="middle" loading={q.isFetching} dataSource={q.data?.items} columns={columns} pagination={false} />
      {creating && <TeamDrawer onClose={() => setCreating(false)} />}
      {adding && <MemberModal team={adding} onClose={() => setAdding(null)} />}
    </>
  );
}

function TeamDrawer({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<TeamItem>('/api/visits/teams', body),
    onSuccess: async () => {
      feedback.message.success('已组建');
      await qc.invalidateQueries({ queryKey: ['visits', 'teams'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Drawer open width={440} title="组建驻村工作队" onClose={onClose} extra={<Button type="primary" loading={save.isPending} onClick={() => form.submit()}>保存</Button>}>
      <Form
        name="team"
        form={form}
        layout="vertical"
        initialValues={{ startDate: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, createTeamBody, { ...v, startDate: v.startDate?.format('YYYY-MM-DD') });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="村" name="villageCode" rules={[{ required: true, message: '请选择村' }]}>
          <AreaTreeSelect placeholder="选择村" />
        </Form.Item>
        <Form.Item label="工作队名称" name="name" rules={[{ required: true, message: '请填写名称' }]}>
          <Input maxLength={60} placeholder="如：区交通局驻××村工作队" />
        </Form.Item>
        <Form.Item label="派出单位" name="sentByOrgId">
          <UnitSelect allowClear />
        </Form.Item>
        <Form.Item label="任期开始" name="startDate">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function MemberModal({ team, onClose }: { team: TeamItem; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<TeamItem>(`/api/visits/teams/${team.id}/members`, body),
    onSuccess: async () => {
      feedback.message.success('已增加队员');
      await qc.invalidateQueries({ queryKey: ['visits', 'teams'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`“${team.name}”增加队员`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending}>
      <Form
        name="member"
        form={form}
        layout="vertical"
        initialValues={{ role: 'member', startDate: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, addMemberBody, { ...v, startDate: v.startDate?.format('YYYY-MM-DD') });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="帮扶干部" name="cadreId" rules={[{ required: true, message: '请选择干部' }]}>
          <CadreSelect />
        </Form.Item>
        <Form.Item label="队内职务" name="role">
          <Select options={ROLES} />
        </Form.Item>
        <Form.Item label="任期开始" name="startDate">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type AttItem = AttendanceResponse['items'][number];

function Attendance({ areaCode }: { areaCode?: string }) {
  const can = useCan();
  const [month, setMonth] = useState(dayjs(todayInChina()).subtract(1, 'month').format('YYYY-MM'));
  const [editing, setEditing] = useState<AttItem | null>(null);
  const q = useQuery({ queryKey: ['visits', 'attendance', month, areaCode], queryFn: ({ signal }) => visitsApi.attendance({ month, areaCode }, signal) });
  const columns: TableColumnsType<AttItem> = [
    { title: '村', dataIndex: 'villageName' },
    { title: '姓名', dataIndex: 'cadreName' },
    { title: '职务', dataIndex: 'roleLabel' },
    { title: '在村天数', key: 'present', render: (_, r) => `${r.present} / 应 ${r.required}` },
    { title: '是否达标', dataIndex: 'compliant', render: (v) => (v === null ? <Tag>不考核</Tag> : v ? <Tag color="green">达标</Tag> : <Tag color="red">未达标</Tag>) },
    {
      title: '',
      key: 'edit',
      render: (_, r) =>
        (can('visit:pairing:edit') || can('visit:record')) && (
          <Button type="link" size="small" onClick={() => setEditing(r)}>
            登记考勤
          </Button>
        ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        月份 <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
        {q.data && (
          <Typography.Text>
            每月至少 {q.data.minDays} 天；{q.data.summary.members} 人中 {q.data.summary.compliant} 人达标
          </Typography.Text>
        )}
      </Space>
      <Table<AttItem> rowKey="memberId" size="middle" loading={q.isFetching} dataSource={q.data?.items} columns={columns} pagination={false} />
      {editing && <AttendanceModal item={editing} month={month} onClose={() => setEditing(null)} />}
    </Space>
  );
}

type DayEntry = { status: AttendanceStatus; note: string };

/**
 * A month of one member's attendance, day by day: 在村 and 因公外出 count toward the minimum,
 * 请假 and 缺勤 do not and carry their reason. Days left blank are not recorded.
 */
function AttendanceModal({ item, month, onClose }: { item: AttItem; month: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [y, m] = month.split('-').map(Number);
  const today = todayInChina();
  const days = Array.from({ length: daysInMonth(y, m) }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`).filter((d) => d <= today);
  const [entries, setEntries] = useState<Map<string, DayEntry>>(() => new Map(item.days.map((d) => [d.date, { status: d.status, note: d.note ?? '' }])));
  // Days entered before reasons were asked for are kept as they are; a day changed now needs one.
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const set = (date: string, e: DayEntry | null) => {
    setTouched((prev) => new Set(prev).add(date));
    setEntries((prev) => {
      const next = new Map(prev);
      if (e) next.set(date, e);
      else next.delete(date);
      return next;
    });
  };
  const counted = [...entries.values()].filter((e) => e.status === 'in_village' || e.status === 'official').length;
  const missingReason = [...entries.entries()].filter(([d, e]) => touched.has(d) && (e.status === 'leave' || e.status === 'absent') && !e.note.trim()).map(([d]) => d);
  const save = useMutation({
    mutationFn: () =>
      api.put(`/api/visits/team-members/${item.memberId}/attendance/${month}`, {
        days: [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, e]) => ({ date, status: e.status, note: e.note.trim() || null })),
      }),
    onSuccess: async () => {
      feedback.message.success('考勤已保存');
      await qc.invalidateQueries({ queryKey: ['visits', 'attendance'] });
      onClose();
    },
  });
  return (
    <Modal
      open
      width={640}
      title={`${item.cadreName} ${month} 考勤`}
      onCancel={onClose}
      onOk={() => {
        if (missingReason.length) {
          feedback.message.error(`请假、缺勤须填写原因：${missingReason.map((d) => Number(d.slice(8)) + '日').join('、')}`);
          return;
        }
        save.mutate();
      }}
      confirmLoading={save.isPending}
    >
      <Space style={{ marginBottom: 8 }} wrap>
        <Typography.Text>
          计入在村 {counted} 天，应 {item.required} 天
        </Typography.Text>
        <Button size="small" onClick={() => days.forEach((d) => !entries.has(d) && set(d, { status: 'in_village', note: '' }))}>
          未登记的日期全部设为在村
        </Button>
      </Space>
      <div style={{ maxHeight: 420, overflowY: 'auto' }}>
        {days.map((d) => {
          const e = entries.get(d);
          const needsNote = e?.status === 'leave' || e?.status === 'absent';
          const noteMissing = needsNote && touched.has(d) && !e.note.trim();
          return (
            <div key={d} style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 4 }} data-day={d}>
              <span style={{ display: 'inline-block', width: 56 }}>{Number(d.slice(8))} 日</span>
              <Select<AttendanceStatus | ''>
                aria-label={`${Number(d.slice(8))}日考勤`}
                size="small"
                style={{ width: 120 }}
                value={e?.status ?? ''}
                onChange={(v) => set(d, v ? { status: v, note: e?.note ?? '' } : null)}
                options={[{ value: '', label: '未登记' }, ...ATTENDANCE_OPTIONS]}
              />
              {needsNote && (
                <Input
                  size="small"
                  style={{ width: 300 }}
                  maxLength={100}
                  status={noteMissing ? 'error' : undefined}
                  placeholder={e.status === 'leave' ? '请假事由' : '缺勤原因'}
                  value={e.note}
                  onChange={(ev) => set(d, { status: e.status, note: ev.target.value })}
                />
              )}
            </div>
          );
        })}
      </div>
    </Modal>
  );
}

type RepItem = ReportsResponse['items'][number];

function Reports({ areaCode }: { areaCode?: string }) {
  const can = useCan();
  const qc = useQueryClient();
  const now = dayjs(todayInChina());
  const [year, setYear] = useState(now.subtract(3, 'month').year());
  const [quarter, setQuarter] = useState(Math.floor(now.subtract(3, 'month').month() / 3) + 1);
  const [submitting, setSubmitting] = useState<RepItem | null>(null);
  const q = useQuery({ queryKey: ['visits', 'reports', year, quarter, areaCode], queryFn: ({ signal }) => visitsApi.reports({ year, quarter, areaCode }, signal) });
  const review = useMutation({
    mutationFn: ({ r, decision }: { r: RepItem; decision: 'accepted' | 'returned' }) => api.post(`/api/visits/reports/${r.report!.id}/review`, { version: r.report!.version, decision }),
    onSuccess: async () => {
      feedback.message.success('已审核');
      await qc.invalidateQueries({ queryKey: ['visits', 'reports'] });
    },
  });
  const columns: TableColumnsType<RepItem> = [
    { title: '村', dataIndex: 'villageName' },
    { title: '姓名', dataIndex: 'cadreName' },
    { title: '职务', dataIndex: 'roleLabel' },
    { title: '截止日期', dataIndex: 'dueDate' },
    { title: '状态', dataIndex: 'stateLabel', render: (v, r) => <Tag color={STATE_COLORS[r.state]}>{v}</Tag> },
    { title: '提交日期', key: 'submitted', render: (_, r) => r.report?.submittedOn ?? '—' },
    { title: '审核', key: 'review', render: (_, r) => (r.report ? { pending: '待审核', accepted: '通过', returned: '退回' }[r.report.reviewStatus] : '—') },
    { title: '内容', key: 'content', ellipsis: true, render: (_, r) => r.report?.content ?? '' },
    {
      title: '',
      key: 'actions',
      render: (_, r) =>
        (can('visit:pairing:edit') || can('visit:record')) && (!r.report || r.report.reviewStatus === 'returned') && r.state !== 'not_due' ? (
          <Button type="link" size="small" onClick={() => setSubmitting(r)}>
            {r.report ? '重新提交' : '提交报告'}
          </Button>
        ) : (
          can('visit:pairing:edit') &&
          r.report?.reviewStatus === 'pending' && (
          <Space size={4}>
            <Button type="link" size="small" onClick={() => review.mutate({ r, decision: 'accepted' })}>
              通过
            </Button>
            <Button type="link" size="small" danger onClick={() => review.mutate({ r, decision: 'returned' })}>
              退回
            </Button>
          </Space>
          )
        ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        年度 <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
        季度 <Select value={quarter} onChange={setQuarter} options={[1, 2, 3, 4].map((n) => ({ value: n, label: `第 ${n} 季度` }))} style={{ width: 110 }} />
      </Space>
      <Table<RepItem> rowKey="memberId" size="middle" loading={q.isFetching} dataSource={q.data?.items} columns={columns} pagination={false} scroll={{ x: 1000 }} />
      {submitting && <SubmitReportModal item={submitting} year={year} quarter={quarter} onClose={() => setSubmitting(null)} />}
    </Space>
  );
}

/** 季度工作报告 (seed 第5篇): submitted by the member or the station for them; a returned one again. */
function SubmitReportModal({ item, year, quarter, onClose }: { item: RepItem; year: number; quarter: number; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post(`/api/visits/team-members/${item.memberId}/reports`, body),
    onSuccess: async () => {
      feedback.message.success('报告已提交');
      await qc.invalidateQueries({ queryKey: ['visits', 'reports'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open width={640} title={`${item.cadreName} ${year} 年第 ${quarter} 季度工作报告（截止 ${item.dueDate}）`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="提交">
      {item.report?.reviewNote && <Typography.Paragraph type="warning">退回意见：{item.report.reviewNote}</Typography.Paragraph>}
      <Form
        name="report"
        form={form}
        layout="vertical"
        initialValues={{ content: item.report?.content ?? '' }}
        onFinish={(v) => {
          const body = parseForm(form, submitReportBody, { year, quarter, content: v.content });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="报告内容" name="content" rules={[{ required: true, message: '请填写报告内容' }]}>
          <Input.TextArea rows={10} maxLength={10000} showCount placeholder="本季度驻村工作：走访、项目、为民办实事、存在问题和下季度打算" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
