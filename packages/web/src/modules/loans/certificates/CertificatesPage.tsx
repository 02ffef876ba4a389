import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { yuanToFen } from '@fupin/shared/money';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { useListParams } from '../../../lib/useListParams';
import { loansApi, type Certificate } from '../api';
import { HouseholdSelect } from '../HouseholdSelect';

const STATUS = [
  { value: 'applied', label: '待村委会审查', color: 'processing' },
  { value: 'village_reviewed', label: '待信用社评定', color: 'processing' },
  { value: 'issued', label: '已发放', color: 'green' },
  { value: 'rejected', label: '未通过', color: 'default' },
  { value: 'revoked', label: '已收回', color: 'red' },
  { value: 'expired', label: '已过期', color: 'default' },
];
const COLOR = Object.fromEntries(STATUS.map((s) => [s.value, s.color]));

/** 贷款证: registered at the coop, reviewed by the village committee, graded and issued by the coop. */
export default function CertificatesPage() {
  const can = useCan();
  const list = useListParams();
  const qc = useQueryClient();
  const [applying, setApplying] = useState(false);
  const [acting, setActing] = useState<{ cert: Certificate; kind: 'village' | 'coop' | 'revoke' } | null>(null);
  const q = useQuery({ queryKey: ['loans', 'certificates', list.query], queryFn: ({ signal }) => loansApi.certificates(list.query, signal), placeholderData: keepPreviousData });
  const columns: TableColumnsType<Certificate> = [
    { title: '贷款证编号', dataIndex: 'certNo' },
    { title: '户主', dataIndex: 'headName' },
    { title: '村', dataIndex: 'areaName' },
    { title: '状态', dataIndex: 'status', render: (v, r) => <Tag color={COLOR[v]}>{r.statusLabel}</Tag> },
    { title: '信用等级', dataIndex: 'creditGradeLabel', render: (v, r) => (v ? `${r.creditGrade} ${v}` : '—') },
    { title: '有效期', key: 'valid', render: (_, r) => (r.validFrom ? <span>{r.validFrom} 至 {r.validTo} {r.valid ? <Tag color="green">有效</Tag> : null}</span> : '—') },
    { title: '村委会意见', dataIndex: 'villageOpinion', ellipsis: true },
    {
      title: '操作',
      key: 'x',
      render: (_, r) => (
        <Space size={4}>
          {r.status === 'applied' && can('loan:review:village') && (
            <Button size="small" type="link" onClick={() => setActing({ cert: r, kind: 'village' })}>
              村委会审查
            </Button>
          )}
          {r.status === 'village_reviewed' && can('loan:review:coop') && (
            <Button size="small" type="link" onClick={() => setActing({ cert: r, kind: 'coop' })}>
              评定发放
            </Button>
          )}
          {r.status === 'issued' && can('loan:review:coop') && (
            <Button size="small" type="link" danger onClick={() => setActing({ cert: r, kind: 'revoke' })}>
              收回
            </Button>
          )}
        </Space>
      ),
    },
  ];
  const apply = useMutation({
    mutationFn: (householdId: number) => loansApi.applyCertificate(householdId),
    onSuccess: async (c) => {
      feedback.message.success(`已受理，贷款证编号 ${c.certNo}`);
      setApplying(false);
      await qc.invalidateQueries({ queryKey: ['loans', 'certificates'] });
    },
  });
  const [hh, setHh] = useState<number | undefined>();
  return (
    <ListCard
      title="贷款证"
      total={q.data?.total}
      actions={
        can('loan:apply') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setApplying(true)}>
            受理贷款证申请
          </Button>
        )
      }
      filters={
        <FilterBar filters={list.filters} onSearch={list.setFilters}>
          <Form.Item name="keyword" label="关键字">
            <Input allowClear placeholder="户主或编号" />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select allowClear style={{ width: 150 }} options={STATUS} />
          </Form.Item>
        </FilterBar>
      }
    >
      <Table<Certificate>
        rowKey="id"
        size="middle"
        loading={q.isFetching}
        columns={columns}
        dataSource={q.data?.items ?? []}
        pagination={{ current: list.page, pageSize: list.pageSize, total: q.data?.total, showSizeChanger: true }}
        onChange={list.onTableChange}
      />
      <Modal open={applying} title="受理贷款证申请" onCancel={() => setApplying(false)} okButtonProps={{ disabled: !hh }} confirmLoading={apply.isPending} onOk={() => hh && apply.mutate(hh)}>
        <HouseholdSelect value={hh} onChange={setHh} />
      </Modal>
      {acting && <ActModal {...acting} onClose={() => setActing(null)} onDone={() => qc.invalidateQueries({ queryKey: ['loans', 'certificates'] })} />}
    </ListCard>
  );
}

function ActModal({ cert, kind, onClose, onDone }: { cert: Certificate; kind: 'village' | 'coop' | 'revoke'; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm();
  const today = todayInChina();
  const m = useMutation({
    mutationFn: (v: Record<string, unknown>) => {
      if (kind === 'village')
        return loansApi.villageReviewCertificate(cert.id, { version: cert.version, approve: v.approve, incomeChecked: !!v.incomeChecked, integrityChecked: !!v.integrityChecked, opinion: v.opinion });
      if (kind === 'revoke') return loansApi.revokeCertificate(cert.id, { version: cert.version, reason: v.reason });
      return loansApi.coopDecideCertificate(
        cert.id,
        v.decision === 'issue'
          ? {
              version: cert.version,
              decision: 'issue',
              creditGrade: v.creditGrade,
              creditLimitFen: v.limitYuan ? yuanToFen(String(v.limitYuan)) : undefined,
              validFrom: (v.valid as dayjs.Dayjs[])[0].format('YYYY-MM-DD'),
              validTo: (v.valid as dayjs.Dayjs[])[1].format('YYYY-MM-DD'),
            }
          : { version: cert.version, decision: 'reject', reason: v.reason },
      );
    },
    meta: { form },
    onSuccess: () => {
      feedback.message.success('已保存');
      onDone();
      onClose();
    },
  });
  const title = { village: '村委会审查（收入、诚信）', coop: '信用社评定信用等级', revoke: '收回贷款证' }[kind];
  return (
    <Modal open title={`${title}：${cert.headName ?? ''} ${cert.certNo}`} onCancel={onClose} confirmLoading={m.isPending} onOk={() => form.validateFields().then((v) => m.mutate(v))}>
      <Form form={form} layout="vertical" initialValues={{ approve: true, decision: 'issue', creditGrade: 'AA', valid: [dayjs(today), dayjs(today).add(2, 'year')] }}>
        {kind === 'village' && (
          <>
            <Form.Item name="approve" label="结论">
              <Radio.Group options={[{ value: true, label: '通过' }, { value: false, label: '不通过' }]} />
            </Form.Item>
            <Form.Item name="incomeChecked" valuePropName="checked">
              <Checkbox>已核实收入情况</Checkbox>
            </Form.Item>
            <Form.Item name="integrityChecked" valuePropName="checked">
              <Checkbox>已核实诚信情况</Checkbox>
            </Form.Item>
            <Form.Item name="opinion" label="审查意见" rules={[{ required: true, message: '请填写审查意见' }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
        {kind === 'coop' && (
          <>
            <Form.Item name="decision" label="决定">
              <Radio.Group options={[{ value: 'issue', label: '发放' }, { value: 'reject', label: '不予发放' }]} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() =>
                form.getFieldValue('decision') === 'issue' ? (
                  <>
                    <Form.Item name="creditGrade" label="信用等级">
                      <Radio.Group options={[{ value: 'AAA', label: 'AAA 优秀' }, { value: 'AA', label: 'AA 较好' }, { value: 'A', label: 'A 一般' }]} />
                    </Form.Item>
                    <Form.Item name="limitYuan" label="授信额度（元，可不填）">
                      <InputNumber min={0.01} precision={2} style={{ width: 180 }} />
                    </Form.Item>
                    <Form.Item name="valid" label="有效期" rules={[{ required: true }]}>
                      <DatePicker.RangePicker />
                    </Form.Item>
                  </>
                ) : (
                  <Form.Item name="reason" label="不予发放的理由" rules={[{ required: true, message: '请填写理由' }]}>
                    <Input.TextArea rows={3} />
                  </Form.Item>
                )
              }
            </Form.Item>
          </>
        )}
        {kind === 'revoke' && (
          <Form.Item name="reason" label="收回理由" rules={[{ required: true, message: '请填写理由' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
