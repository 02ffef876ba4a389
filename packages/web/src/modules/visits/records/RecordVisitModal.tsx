import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DatePicker, Form, Input, Modal, Radio, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { SATISFACTION, SATISFACTION_LABELS, visitInput } from '@fupin/server/src/visits/records/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { parseForm } from '../../../lib/form';
import type { VisitItem } from '../api';
import { HouseholdSelect } from '../components/pickers';

const CHECKS = [
  ['food', '吃'],
  ['clothing', '穿'],
  ['schooling', '义务教育'],
  ['medical', '基本医疗'],
  ['housing', '住房安全'],
  ['water', '饮水安全'],
] as const;
const CHECK_OPTIONS = [
  { value: 'yes', label: '有保障' },
  { value: 'no', label: '有问题' },
  { value: 'unchecked', label: '未查' },
];
const toCheck = (v: string | undefined) => (v === 'yes' ? true : v === 'no' ? false : null);

/**
 * 代录走访: the village clerk records the visit of a cadre without a login (帮扶干部 “无（由村专干
 * 代录）”) from the paper form. The cadre is the one paired with the household on the visit date —
 * the server decides that, as for the phone; the same schema as the phone checks the form.
 */
export function RecordVisitModal({ title = '代录走访', onClose }: { title?: string; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  // one id per opened form: a double click or a retry after a lost answer stays one visit
  const clientId = useState(() => crypto.randomUUID())[0];
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<{ visit: VisitItem | null }>('/api/visits', body),
    onSuccess: async ({ visit: v }) => {
      feedback.message.success(v ? `已登记：${v.headName ?? ''}户 ${v.visitDate} ${v.kindLabel}（帮扶干部 ${v.cadreName ?? ''}）` : '已登记');
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={title} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="保存" width={640} destroyOnHidden>
      <Typography.Paragraph type="secondary">{title === '代录走访' ? '为没有登录账号的帮扶干部登记纸质走访记录；' : ''}帮扶干部按走访当天的结对自动确定。</Typography.Paragraph>
      <Form
        name="record-visit"
        form={form}
        layout="vertical"
        initialValues={{ kind: 'home', visitDate: dayjs(todayInChina()), ...Object.fromEntries(CHECKS.map(([k]) => [k, 'yes'])) }}
        onFinish={(v) => {
          const body = parseForm(form, visitInput, {
            clientId,
            householdId: v.householdId,
            visitDate: v.visitDate?.format('YYYY-MM-DD'),
            kind: v.kind,
            checks: Object.fromEntries(CHECKS.map(([k]) => [k, toCheck(v[k])])),
            incomeChange: v.incomeChange,
            problems: v.problems,
            helpGiven: v.helpGiven,
            policiesExplained: v.policiesExplained,
            satisfaction: v.satisfaction,
          });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="农户" name="householdId" rules={[{ required: true, message: '请选择农户' }]}>
          <HouseholdSelect />
        </Form.Item>
        <Form.Item label="走访日期" name="visitDate" rules={[{ required: true, message: '请选择走访日期' }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(todayInChina()), 'day')} />
        </Form.Item>
        <Form.Item label="走访方式" name="kind">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'home', label: '入户走访' },
              { value: 'phone', label: '电话联系' },
              { value: 'other', label: '其他' },
            ]}
          />
        </Form.Item>
        <Typography.Text strong>两不愁三保障及饮水</Typography.Text>
        <div className="record-visit-checks" style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 16, marginTop: 8 }}>
          {CHECKS.map(([k, label]) => (
            <Form.Item key={k} label={label} name={k} style={{ marginBottom: 8 }}>
              <Radio.Group optionType="button" size="small" options={CHECK_OPTIONS} />
            </Form.Item>
          ))}
        </div>
        <Form.Item label="收入变化" name="incomeChange">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'up', label: '增加' },
              { value: 'same', label: '持平' },
              { value: 'down', label: '减少' },
            ]}
          />
        </Form.Item>
        <Form.Item label="发现的问题" name="problems">
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label="帮扶措施" name="helpGiven">
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item label="宣讲政策" name="policiesExplained">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item label="满意度" name="satisfaction">
          <Radio.Group optionType="button" options={SATISFACTION.map((s) => ({ value: s, label: SATISFACTION_LABELS[s] }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
