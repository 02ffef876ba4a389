import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, DatePicker, Drawer, Form, Input, Modal, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { createPairingBody, endBody } from '@fupin/server/src/visits/pairing/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { ApiError, api, isApiError } from '../../../api/client';
import { reportError } from '../../../api/errors';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { parseForm } from '../../../lib/form';
import { useListParams } from '../../../lib/useListParams';
import { visitsApi, type PairingItem } from '../api';
import { CadreSelect, HouseholdSelect } from '../components/pickers';

const STATUS_TAG: Record<string, { color: string; label: string }> = {
  active: { color: 'green', label: '在岗' },
  retired: { color: 'orange', label: '已退休' },
  transferred: { color: 'orange', label: '已调离' },
};
const VIEW = [
  { value: 'current', label: '当前结对' },
  { value: 'history', label: '含历史' },
  { value: 'repair', label: '需重新结对' },
];

/** 干部包户: who is responsible for which household now, every change with dates and reasons. */
export default function PairingsPage() {
  const can = useCan();
  const editable = can('visit:pairing:edit');
  const list = useListParams();
  const view = list.filters.view ?? 'current';
  const [creating, setCreating] = useState(false);
  const [ending, setEnding] = useState<PairingItem | null>(null);
  const [importing, setImporting] = useState(false);
  const query = {
    page: list.page,
    pageSize: list.pageSize,
    areaCode: list.filters.areaCode,
    cadreId: list.filters.cadreId,
    current: view === 'history' ? 'false' : 'true',
    needsRepair: view === 'repair' ? 'true' : undefined,
  };
  const q = useQuery({
    queryKey: ['visits', 'pairings', query],
    queryFn: ({ signal }) => visitsApi.pairings(query, signal),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<PairingItem> = [
    { title: '村', dataIndex: 'villageName' },
    { title: '户主', dataIndex: 'headName' },
    { title: '户编号', dataIndex: 'householdNo' },
    { title: '帮扶责任人', dataIndex: 'cadreName', render: (v, r) => <Space size={4}>{v}{r.cadreStatus !== 'active' && <Tag color={STATUS_TAG[r.cadreStatus].color}>{STATUS_TAG[r.cadreStatus].label}</Tag>}</Space> },
    { title: '帮扶单位', dataIndex: 'unitName' },
    { title: '起止', key: 'period', render: (_, r) => `${r.startDate} 至 ${r.endDate ?? '今'}` },
    { title: '原因', key: 'reason', render: (_, r) => [r.startReason, r.endReason].filter(Boolean).join(' / ') },
    ...(editable
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 150,
            render: (_: unknown, r: PairingItem) =>
              r.endDate === null && (
                <Button type="link" size="small" onClick={() => setEnding(r)}>
                  结束结对
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <ListCard
      title="干部包户"
      total={q.data?.total}
      actions={
        editable && (
          <>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              Excel 批量结对
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              结对 / 更换责任人
            </Button>
          </>
        )
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item label="范围" name="view">
            <Select options={VIEW} style={{ width: 130 }} placeholder="当前结对" allowClear />
          </Form.Item>
          {/* 帮扶责任人 (data scope 本人) may not browse areas: the picker would only answer 403 */}
          {can('system:area:view') && (
            <Form.Item label="区划" name="areaCode">
              <AreaTreeSelect style={{ width: 220 }} placeholder="全部" />
            </Form.Item>
          )}
        </FilterBar>
      }
    >
      <Table<PairingItem> rowKey="id" size="middle" columns={columns} dataSource={q.data?.items} loading={q.isFetching} pagination={list.pagination(q.data?.total)} onChange={list.onTableChange as never} scroll={{ x: 1000 }} />
      {creating && <PairDrawer onClose={() => setCreating(false)} />}
      {ending && <EndModal pairing={ending} onClose={() => setEnding(null)} />}
      {importing && <ImportModal onClose={() => setImporting(false)} />}
    </ListCard>
  );
}

type PairValues = { householdId?: number; cadreId?: number; startDate?: dayjs.Dayjs; reason?: string; replace?: boolean };

function PairDrawer({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<PairValues>();
  const qc = useQueryClient();
  const [current, setCurrent] = useState<{ cadreName: string; startDate: string } | null>(null);
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<PairingItem>('/api/visits/pairings', body),
    onSuccess: async (p) => {
      feedback.message.success(`${p.headName ?? p.householdNo} 已由 ${p.cadreName} 结对帮扶`);
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    onError: (e) => {
      // A household that already has a cadre: offer the hand-over instead of failing.
      if (isApiError(e) && e.code === 'E4101') {
        const d = e.details as { current?: { cadreName: string; startDate: string } } | undefined;
        if (d?.current) setCurrent(d.current);
      }
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  function submit(v: PairValues) {
    const body = parseForm(form, createPairingBody, { ...v, startDate: v.startDate?.format('YYYY-MM-DD'), replace: !!v.replace });
    if (body) save.mutate(body);
  }
  return (
    <Drawer open title="结对 / 更换帮扶责任人" width={480} onClose={onClose} extra={<Button type="primary" loading={save.isPending} onClick={() => form.submit()}>保存</Button>}>
      <Form name="pairing" form={form} layout="vertical" onFinish={submit} initialValues={{ startDate: dayjs(todayInChina()) }}>
        <Form.Item label="农户" name="householdId" rules={[{ required: true, message: '请选择农户' }]}>
          <HouseholdSelect />
        </Form.Item>
        <Form.Item label="帮扶责任人" name="cadreId" rules={[{ required: true, message: '请选择帮扶干部' }]}>
          <CadreSelect />
        </Form.Item>
        <Form.Item label="开始日期" name="startDate" rules={[{ required: true, message: '请选择开始日期' }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder="如：年度结对安排、原责任人调离" />
        </Form.Item>
        {current && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message={`该户现由 ${current.cadreName} 帮扶（自 ${current.startDate} 起）`}
            description="一户同一时间只能有一名帮扶责任人。勾选“更换”后，原结对在新开始日期的前一天结束。"
          />
        )}
        <Form.Item name="replace" valuePropName="checked">
          <Checkbox>更换现有帮扶责任人</Checkbox>
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function EndModal({ pairing, onClose }: { pairing: PairingItem; onClose: () => void }) {
  const [form] = Form.useForm<{ endDate?: dayjs.Dayjs; reason?: string }>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<PairingItem>(`/api/visits/pairings/${pairing.id}/end`, body),
    onSuccess: async () => {
      feedback.message.success('结对已结束');
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`结束 ${pairing.headName ?? ''} 与 ${pairing.cadreName} 的结对`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="结束结对">
      <Form
        name="endPairing"
        form={form}
        layout="vertical"
        initialValues={{ endDate: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, endBody, { endDate: v.endDate?.format('YYYY-MM-DD'), reason: v.reason });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="结束日期（最后一天）" name="endDate" rules={[{ required: true, message: '请选择结束日期' }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, message: '请填写原因' }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder="如：户已销户、脱贫后调整" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type ImportResult = {
  dryRun: boolean;
  total: number;
  applied: number;
  ok: number;
  rejected: number;
  rows: { row: number; householdNo: string; headName: string | null; cadreName: string; status: 'ok' | 'applied' | 'rejected'; message: string | null }[];
};

/** 批量结对: pre-check a filled-in template row by row, then import the rows that pass. */
function ImportModal({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  async function send(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    try {
      const me = await api.get<{ csrfToken: string }>('/api/auth/me');
      const res = await fetch(`/api/visits/pairings/import?dryRun=${dryRun}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x-csrf-token': me.csrfToken },
        body: file,
      });
      const body = await res.json();
      if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? `HTTP${res.status}`, body?.error?.message ?? '导入失败');
      setResult(body as ImportResult);
      if (!dryRun) {
        feedback.message.success(`已导入 ${(body as ImportResult).applied} 户`);
        await qc.invalidateQueries({ queryKey: ['visits'] });
      }
    } catch (e) {
      reportError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      width={760}
      title="Excel 批量结对"
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>关闭</Button>
          <Button disabled={!file} loading={busy} onClick={() => void send(true)}>
            预检
          </Button>
          <Button type="primary" disabled={!file || !result?.dryRun || result.ok === 0} loading={busy} onClick={() => void send(false)}>
            导入通过预检的 {result?.dryRun ? result.ok : 0} 行
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert
          type="info"
          showIcon
          message={
            <span>
              先下载<a href="/api/visits/pairings/import-template">模板</a>填写：户编号、帮扶责任人必填；同名干部填帮扶单位；要更换现有责任人时“更换”填“是”。先预检，有问题的行不会写入。
            </span>
          }
        />
        <input type="file" accept=".xlsx" aria-label="结对名单文件" onChange={(e) => (setFile(e.target.files?.[0] ?? null), setResult(null))} />
        {result && (
          <>
            <span>
              共 {result.total} 行：{result.dryRun ? `可导入 ${result.ok} 行` : `已导入 ${result.applied} 行`}，有问题 {result.rejected} 行
            </span>
            <Table
              size="small"
              rowKey="row"
              dataSource={result.rows}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: '行', dataIndex: 'row', width: 50 },
                { title: '户编号', dataIndex: 'householdNo' },
                { title: '户主', dataIndex: 'headName' },
                { title: '帮扶责任人', dataIndex: 'cadreName' },
                {
                  title: '结果',
                  key: 'status',
                  render: (_, r) => (
                    <Space size={4}>
                      <Tag color={r.status === 'rejected' ? 'red' : 'green'}>{r.status === 'rejected' ? '有问题' : r.status === 'applied' ? '已导入' : '可导入'}</Tag>
                      {r.message}
                    </Space>
                  ),
                },
              ]}
            />
          </>
        )}
      </Space>
    </Modal>
  );
}
