import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { todayInChina } from '@fupin/shared/date';
import { closeTaskBody, createTaskBody, TASK_CATEGORIES, TASK_CATEGORY_LABELS } from '@fupin/server/src/visits/records/schemas';
import { VISIT_FIELD_LABELS } from '@fupin/server/src/visits/fields';
import { api } from '../../../api/client';
import { feedback } from '../../../app/feedback';
import { parseForm } from '../../../lib/form';
import type { TaskItem, VisitItem } from '../api';
import { CadreSelect } from '../components/pickers';

const CATEGORIES = TASK_CATEGORIES.map((c) => ({ value: c, label: TASK_CATEGORY_LABELS[c] }));

/** 交办整改: a problem found on a visit becomes a task with an owner (by name) and a deadline. */
export function CreateTaskModal({ visit, onClose }: { visit: VisitItem; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<TaskItem>('/api/visits/tasks', body),
    onSuccess: async () => {
      feedback.message.success('已交办整改任务');
      await qc.invalidateQueries({ queryKey: ['visits', 'tasks'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`交办整改：${visit.headName ?? ''}（${visit.visitDate} 走访）`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="交办">
      <Form
        name="task"
        form={form}
        layout="vertical"
        initialValues={{ problem: visit.problems ?? '', category: 'other', ownerCadreId: visit.cadreId, deadline: dayjs(todayInChina()).add(30, 'day') }}
        onFinish={(v) => {
          const body = parseForm(form, createTaskBody, {
            ...v,
            householdId: visit.householdId,
            visitId: visit.id,
            deadline: v.deadline?.format('YYYY-MM-DD'),
          });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="问题" name="problem" rules={[{ required: true, message: '请填写问题' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
        <Form.Item label="类别" name="category">
          <Select options={CATEGORIES} />
        </Form.Item>
        <Form.Item label="整改责任人" name="ownerCadreId" rules={[{ required: true, message: '请选择整改责任人' }]}>
          <CadreSelect initialLabel={visit.cadreName ?? undefined} />
        </Form.Item>
        <Form.Item label="整改期限" name="deadline" rules={[{ required: true, message: '请选择整改期限' }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 销号: closed only with evidence of what was done. */
export function CloseTaskModal({ task, onClose }: { task: TaskItem; onClose: () => void }) {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<TaskItem>(`/api/visits/tasks/${task.id}/close`, body),
    onSuccess: async () => {
      feedback.message.success('已销号');
      await qc.invalidateQueries({ queryKey: ['visits', 'tasks'] });
      onClose();
    },
    meta: { form, fieldLabels: VISIT_FIELD_LABELS },
  });
  return (
    <Modal open title={`整改销号：${task.headName ?? ''}`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText="销号">
      <Typography.Paragraph>
        问题：{task.problem}（期限 {task.deadline}
        {task.overdue ? '，已逾期' : ''}）
      </Typography.Paragraph>
      <Form
        name="closeTask"
        form={form}
        layout="vertical"
        initialValues={{ closedOn: dayjs(todayInChina()) }}
        onFinish={(v) => {
          const body = parseForm(form, closeTaskBody, { ...v, version: task.version, closedOn: v.closedOn?.format('YYYY-MM-DD') });
          if (body) save.mutate(body);
        }}
      >
        <Form.Item label="整改佐证" name="evidence" rules={[{ required: true, message: '请填写整改佐证（做了什么、谁核实的）' }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder="如：已协调住建部门完成危房改造，2026-10-20 入户核实" />
        </Form.Item>
        <Form.Item label="销号日期" name="closedOn">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
