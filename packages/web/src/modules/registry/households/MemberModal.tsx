import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { parseIdNumber } from '@fupin/shared/idcard';
import { householdFieldLabels, updatePersonBody } from '@fupin/server/src/registry/households/schemas';
import { feedback } from '../../../app/feedback';
import { changedFields, stripBlanks, zodRules } from '../../../lib/form';
import { registryApi, type Member } from '../api';
import { DictSelect, YES_NO } from '../components';

const rules = zodRules(updatePersonBody);
const CLEARABLE = ['ethnicity', 'education', 'schooling', 'health', 'disabilityGrade', 'labour', 'workStatus', 'workMonths', 'medicalInsurance', 'pensionInsurance'];

type Values = Record<string, unknown> & { birthDate?: dayjs.Dayjs | null };

/** The resident ID inside what was typed (a disability-certificate number adds two digits). */
export function idFacts(raw: unknown, kind: unknown) {
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (!s) return null;
  const id = kind === 'disability_cert' ? s.replace(/\s/g, '').slice(0, 18) : s;
  return parseIdNumber(id);
}

/**
 * 修改家庭成员: every field of one member, checked with the API's own schema; the ID with its
 * check digit, and the sex and birth date against the ID, before anything is sent. The ID and
 * phone are never shown in full here: left empty they stay as they are.
 */
export function MemberModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => registryApi.updatePerson(member.id, body),
    meta: { form, fieldLabels: householdFieldLabels as never },
    onSuccess: async (m) => {
      feedback.message.success(`已保存：${m.name}`);
      await qc.invalidateQueries({ queryKey: ['registry'] });
      onClose();
    },
  });
  const initial = {
    name: member.name,
    idKind: member.idKind,
    sex: member.sex,
    birthDate: dayjs(member.birthDate),
    relation: member.relation,
    ethnicity: member.ethnicity,
    education: member.education,
    schooling: member.schooling,
    health: member.health,
    disabilityGrade: member.disabilityGrade,
    labour: member.labour,
    workStatus: member.workStatus,
    workMonths: member.workMonths,
    medicalInsurance: member.medicalInsurance,
    pensionInsurance: member.pensionInsurance,
  };
  const head = member.relation === 'head';

  function submit(v: Values) {
    const now = stripBlanks({ ...v, birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : undefined }) as Record<string, unknown>;
    // a cleared select means “clear the field”: null in a PATCH body
    for (const k of CLEARABLE) if (now[k] === undefined) now[k] = null;
    const before = { ...initial, birthDate: member.birthDate } as Record<string, unknown>;
    const body = changedFields(before, now);
    // a new ID is checked with the sex and birth date shown beside it
    if (now.idNumber) Object.assign(body, { idNumber: now.idNumber, sex: now.sex, birthDate: now.birthDate });
    if (!Object.keys(body).length) {
      onClose();
      return;
    }
    save.mutate({ ...body, version: member.version });
  }

  /** The ID decides sex and birth date: fill them in when a valid ID is typed. */
  function onValuesChange(changed: Values, all: Values) {
    if (!('idNumber' in changed) && !('idKind' in changed)) return;
    const r = idFacts(all.idNumber, all.idKind);
    if (r?.ok) form.setFieldsValue({ sex: r.sex, birthDate: dayjs(r.birthDate) });
  }

  const idRule = {
    validator: async (_: unknown, v: unknown) => {
      const r = idFacts(v, form.getFieldValue('idKind'));
      if (r && !r.ok) throw new Error(r.reason);
    },
  };
  const agrees = (which: 'sex' | 'birthDate') => ({
    validator: async (_: unknown, v: unknown) => {
      const r = idFacts(form.getFieldValue('idNumber'), form.getFieldValue('idKind'));
      if (!r?.ok) return;
      if (which === 'sex' && v && v !== r.sex) throw new Error(`与身份证号码不符（号码对应${r.sex === 'M' ? '男' : '女'}）`);
      if (which === 'birthDate' && v && (v as dayjs.Dayjs).format('YYYY-MM-DD') !== r.birthDate) throw new Error(`与身份证号码不符（号码对应 ${r.birthDate}）`);
    },
  });

  return (
    <Modal open title={`修改家庭成员：${member.name}`} width={860} onCancel={onClose} onOk={() => form.submit()} okText="保存" confirmLoading={save.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" name="member" initialValues={initial} onFinish={submit} onValuesChange={onValuesChange}>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, message: '姓名不能为空' }, ...rules.name]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="idKind" label="证件类型">
              <Select options={[{ value: 'resident', label: '居民身份证' }, { value: 'disability_cert', label: '残疾人证' }]} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="idNumber" label="身份证号码" rules={[...rules.idNumber, idRule]} extra="不修改请留空；性别、出生日期随号码填入">
              <Input maxLength={40} className="mono" placeholder={member.idNumberMasked} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="sex" label="性别" dependencies={['idNumber', 'idKind']} rules={[agrees('sex')]}>
              <Select options={[{ value: 'M', label: '男' }, { value: 'F', label: '女' }]} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="birthDate" label="出生日期" dependencies={['idNumber', 'idKind']} rules={[agrees('birthDate')]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="relation" label="与户主关系" rules={rules.relation} extra={head ? '户主变更请用“动态调整”' : undefined}>
              <DictSelect type="relation" allowClear={false} disabled={head} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="ethnicity" label="民族" rules={rules.ethnicity}>
              <DictSelect type="ethnicity" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="education" label="文化程度" rules={rules.education}>
              <DictSelect type="education" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="schooling" label="在校生状况" rules={rules.schooling}>
              <DictSelect type="schooling" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="health" label="健康状况" rules={rules.health}>
              <DictSelect type="health" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="disabilityGrade" label="残疾等级" rules={rules.disabilityGrade}>
              <Select allowClear options={[1, 2, 3, 4].map((g) => ({ value: g, label: `${g} 级` }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="labour" label="劳动技能" rules={rules.labour}>
              <DictSelect type="labour" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="workStatus" label="务工状况" rules={rules.workStatus}>
              <DictSelect type="work_status" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="workMonths" label="务工月数" rules={rules.workMonths}>
              <InputNumber min={0} max={12} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="medicalInsurance" label="参加医疗保险">
              <Select allowClear options={YES_NO} placeholder="未填" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="pensionInsurance" label="参加养老保险">
              <Select allowClear options={YES_NO} placeholder="未填" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="phone" label="联系电话" rules={rules.phone} extra="不修改请留空">
              <Input maxLength={20} placeholder={member.phoneMasked ?? ''} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary">死亡、迁出、婚出等请用“动态调整”办理；保存后系统重新检查本户数据质量。</Typography.Paragraph>
      </Form>
    </Modal>
  );
}
