import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { povertyLineBody, povertyLineParams } from '@fupin/server/src/registry/workflow/schemas';
import { feedback } from '../../../app/feedback';
import { useCan, useSessionUser } from '../../../auth/session';
import { zodRule } from '../../../lib/form';
import { formatYuan } from '../../../lib/format';
import { registryApi, type PovertyLine } from '../api';

const NATIONAL = '000000';
const LINE_LABELS = { provinceCode: '适用范围', year: '年度', lineFen: '标准', note: '依据' };
const placeName = (code: string) => (code === NATIONAL ? '全国默认' : code.endsWith('0000') ? `省级（${code}）` : `县级（${code}）`);

type Values = { provinceCode: string; year: number; lineYuan: number; note?: string };

function LineModal({ line, defaultCode, onClose }: { line: PovertyLine | null; defaultCode: string; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) => registryApi.setPovertyLine(v.provinceCode, v.year, { lineFen: Math.round(v.lineYuan * 100), ...(v.note ? { note: v.note } : {}) }),
    meta: { form, fieldLabels: LINE_LABELS as never },
    onSuccess: async (r) => {
      feedback.message.success(`已保存：${placeName(r.provinceCode)} ${r.year} 年 ${formatYuan(r.lineFen)} 元`);
      await qc.invalidateQueries({ queryKey: ['registry'] });
      onClose();
    },
  });
  const initial = line
    ? { provinceCode: line.provinceCode, year: line.year, lineYuan: line.lineFen / 100, note: line.note ?? undefined }
    : { provinceCode: defaultCode, year: new Date().getFullYear() };
  return (
    <Modal open title={line ? `修改标准：${placeName(line.provinceCode)} ${line.year} 年` : '新增标准'} onCancel={onClose} onOk={() => form.submit()} okText="保存" confirmLoading={save.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" name="poverty-line" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="provinceCode" label="适用范围（000000 全国默认；省级代码；本县代码为县定标准）" rules={[{ required: true, message: '请填写适用范围代码' }, zodRule(povertyLineParams.shape.provinceCode)]}>
          <Input maxLength={6} className="mono" disabled={!!line} />
        </Form.Item>
        <Form.Item name="year" label="年度（收入年度）" rules={[{ required: true, message: '请填写年度' }, zodRule(povertyLineParams.shape.year)]}>
          <InputNumber min={2000} max={2100} disabled={!!line} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="lineYuan" label="标准（元/人·年）" rules={[{ required: true, message: '请填写标准' }, { type: 'number', min: 0.01, message: '标准必须大于 0' }]}>
          <InputNumber min={0} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label="依据（文件名、文号）" rules={[zodRule(povertyLineBody.shape.note)]}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 扶贫标准 / 监测标准: the per-capita income line of each income year that the exit check and
 * monitoring compare against. A province's own line wins over the national default of that year.
 */
export default function PovertyLinesPage() {
  const can = useCan();
  const me = useSessionUser();
  // a county administrator's new line is the county's own by default
  const countyCode = me.dataScope !== 'all' ? me.countyCode : null;
  const q = useQuery({ queryKey: ['registry', 'poverty-lines'], queryFn: ({ signal }) => registryApi.povertyLines(signal) });
  const [editing, setEditing] = useState<PovertyLine | 'new' | null>(null);
  const edit = can('system:param:edit');
  const items = [...(q.data?.items ?? [])].sort((a, b) => b.year - a.year || a.provinceCode.localeCompare(b.provinceCode));
  const thisYear = new Date().getFullYear();
  const missing = !items.some((l) => l.year === thisYear);
  return (
    <Card
      title="扶贫标准与监测标准"
      extra={
        edit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            新增标准
          </Button>
        )
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert
          type="info"
          showIcon
          title="脱贫退出核验用农户“收入年度”的标准：先找本县当年的标准，再找本省的，都没有则用全国默认。2020 年以前为国家农村贫困标准；2021 年起为防止返贫监测范围（各省每年公布），默认值为 2021 年全国指导值 6000 元的沿用，请按本省文件修改。"
        />
        {missing && <Alert type="warning" showIcon title={`${thisYear} 年尚无标准，该收入年度的农户无法做退出核验`} />}
        <Table<PovertyLine>
          rowKey={(l) => `${l.provinceCode}:${l.year}`}
          size="small"
          loading={q.isLoading}
          dataSource={items}
          pagination={false}
          columns={[
            { title: '年度', dataIndex: 'year', width: 90 },
            { title: '适用范围', dataIndex: 'provinceCode', width: 160, render: (v: string) => (v === NATIONAL ? <Tag>全国默认</Tag> : <Tag color={v.endsWith('0000') ? 'blue' : 'purple'}>{placeName(v)}</Tag>) },
            { title: '标准（元/人·年）', dataIndex: 'lineFen', width: 160, align: 'right', render: (v: number) => formatYuan(v) },
            { title: '依据', dataIndex: 'note' },
            ...(edit
              ? [
                  {
                    title: '操作',
                    key: 'op',
                    width: 80,
                    render: (_: unknown, l: PovertyLine) => (
                      <Button type="link" size="small" onClick={() => setEditing(l)}>
                        修改
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Space>
      {editing && <LineModal line={editing === 'new' ? null : editing} defaultCode={countyCode ?? NATIONAL} onClose={() => setEditing(null)} />}
    </Card>
  );
}
